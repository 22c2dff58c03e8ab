"""While a request runs the list says it is busy and its trigger cannot be pressed again; a
form posts once however fast it is clicked; after paging the person is at the new rows."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e import support
from tests.e2e.support import CUSTOMERS_PREFIX, SandboxFaults, password_of

pytestmark = pytest.mark.browser

faults = support.faults


def test_the_list_is_busy_and_its_tab_disabled_while_the_gateway_answers(
    bob_page: Any, faults: SandboxFaults
) -> None:
    page = bob_page
    faults.delay(f"{CUSTOMERS_PREFIX}/getByCustomerStatus/dispute", latency_ms=1500)
    tab = page.get_by_role("navigation", name="Customer status").get_by_role("link", name="Dispute")

    tab.click()

    expect(page.locator("#customer-list")).to_have_attribute("aria-busy", "true")
    expect(tab).to_have_attribute("aria-disabled", "true")
    expect(page.get_by_test_id("list-subtitle")).to_contain_text("Dispute", timeout=8_000)
    expect(page.locator("#customer-list")).not_to_have_attribute("aria-busy", "true")
    assert page.problems == []


def test_paging_moves_focus_to_the_list_heading_and_names_the_page_in_the_title(
    bob_page: Any,
) -> None:
    page = bob_page
    page.mouse.wheel(0, 2000)
    page.get_by_role("link", name="Next →").click()

    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator("#list-title")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Customers · page 2 · FinHub Back Office$"))
    assert page.evaluate("document.getElementById('list-title').getBoundingClientRect().top") < 50


# Clicks the pressed submit button once more 50 ms after the first submit, as a double click
# would while a slow answer is on its way, and notes whether it was disabled by then.
CLICK_AGAIN = """
document.addEventListener("submit", (event) => {
  if (sessionStorage.getItem("clickedAgain")) return;
  sessionStorage.setItem("clickedAgain", "yes");
  const button = event.submitter;
  setTimeout(() => {
    sessionStorage.setItem("disabledInFlight", String(button.disabled));
    button.click();
  }, 50);
}, true);
"""


def test_a_form_clicked_twice_posts_once_and_is_usable_again_after_back(
    page: Any, faults: SandboxFaults
) -> None:
    faults.delay("/api/v2/auth/token", latency_ms=1000)
    page.add_init_script(CLICK_AGAIN)
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    page.goto("/login/")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill(password_of("bob"))

    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile("/customers/$"), timeout=8_000)
    assert page.evaluate("sessionStorage.getItem('disabledInFlight')") == "true"
    assert len(posts) == 1, posts
    page.go_back()
    expect(page.get_by_role("button", name="Sign in")).to_be_enabled()
