"""Search in real Chromium: a misspelled name in the top bar, live results, Enter, the record."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.test_accessibility import blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ISLA_WILSON = "c-00072"  # seeded as "Isla Wilson" (tests/e2e/test_search_e2e.py checks it)


@pytest.fixture
def synced(backoffice: str, settings: Any) -> None:
    settings.SEARCH_SYNC_USERNAME = ""  # the sandbox's default account
    call_command("sync_search", stdout=io.StringIO())


def test_a_misspelled_name_shows_live_then_enter_lists_it_then_a_click_opens_it(
    synced: None, bob_page: Any
) -> None:
    page = bob_page
    page.keyboard.press("/")
    box = page.get_by_label("Search customers and tickets")
    expect(box).to_be_focused()

    box.press_sequentially("Isla Wilsen", delay=40)

    live = page.get_by_test_id("search-live")
    expect(live.get_by_role("link", name=re.compile(ISLA_WILSON))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/customers/$"))  # live results, no navigation

    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=Isla\+Wilsen$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Search: “Isla Wilsen”")
    expect(page.get_by_test_id("index-age").first).to_contain_text("Search index updated")

    results = page.get_by_role("table").first
    results.get_by_role("row").filter(has_text=ISLA_WILSON).get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/customers/{ISLA_WILSON}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Isla Wilson")
    assert page.problems == []


def test_the_arrow_keys_walk_the_live_results_and_the_pages_pass_axe(
    synced: None, bob_page: Any
) -> None:
    page = bob_page
    box = page.get_by_label("Search customers and tickets")
    box.fill("Георги Иванов")
    live = page.get_by_test_id("search-live")
    expect(live.get_by_role("link").first).to_be_visible()
    assert blocking_violations(page) == []

    box.press("ArrowDown")
    expect(live.get_by_role("link").first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(live.get_by_role("link").nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(box).to_be_focused()
    box.press("Escape")
    expect(live).to_have_count(0)

    page.goto("/search/?q=Георги+Иванов")
    expect(page.locator('span.native[lang="bg"]').first).to_contain_text("Георги")
    assert blocking_violations(page) == []
    assert page.problems == []
