"""A support agent's day in Chromium: she lands on her own queue and triages tickets with the
keyboard alone (j/k, Enter, r, n, g t, ?)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def carol_page(page: Any) -> Any:
    sign_in(page, "carol", lands_on="/tickets/?view=mine")
    return page


def test_the_agent_lands_on_the_tickets_assigned_to_her(carol_page: Any) -> None:
    page = carol_page
    expect(page.get_by_test_id("list-subtitle")).to_contain_text("Assigned to me")
    expect(page.get_by_role("link", name="Assigned to me")).to_have_attribute(
        "aria-current", "page"
    )
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/tickets/\?view=mine$"))


def test_three_tickets_are_triaged_with_the_keyboard_alone(carol_page: Any) -> None:
    page = carol_page
    rows = page.locator("#ticket-list tbody tr")
    opened: list[str] = []
    for position in range(3):
        for _ in range(position + 2):
            page.keyboard.press("j")
        page.keyboard.press("k")
        expect(rows.nth(position)).to_have_class(re.compile("is-current"))
        expected = rows.nth(position).locator("a").first.get_attribute("href")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(re.escape(expected) + "$"))
        opened.append(expected)
        page.wait_for_load_state()

        page.keyboard.press("r")
        expect(page.locator("[data-composer-panel=reply] textarea")).to_be_focused()
        page.keyboard.type("rk")  # typed into the reply: no shortcut fires while typing
        expect(page).to_have_url(re.compile(re.escape(expected) + "$"))
        page.keyboard.press("Escape")
        page.locator("body").click(position={"x": 1, "y": 1})
        page.keyboard.press("n")
        expect(page.locator("[data-composer-panel=note] textarea")).to_be_focused()
        page.locator("body").click(position={"x": 1, "y": 1})

        page.keyboard.press("g")
        page.keyboard.press("t")
        expect(page).to_have_url(re.compile(r"/tickets/$"))
        page.goto("/tickets/?view=mine")
        page.wait_for_load_state()
    assert len(set(opened)) == 3
    assert page.problems == []


def test_question_mark_lists_the_shortcuts_in_a_dialog(carol_page: Any) -> None:
    page = carol_page
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Go to customers")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    page.keyboard.press("/")
    expect(page.locator("#search-q, #goto-id").first).to_be_focused()
