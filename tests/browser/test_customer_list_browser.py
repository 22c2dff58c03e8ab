"""Bob works the customer list in real Chromium: tabs, paging, history, the search box."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from sandbox.customer.seed import DEMO_STATUS_COUNTS
from sandbox.server import RunningSandbox
from tests.browser.helpers import sign_in
from tests.e2e.support import page_count, raw_customer

pytestmark = pytest.mark.browser

ON_HOLD_PAGES = page_count(DEMO_STATUS_COUNTS["on_hold"])
VERIFIED_PAGES = page_count(DEMO_STATUS_COUNTS["verified"])


def _status_tab(page: Any, label: str) -> Any:
    return page.get_by_role("navigation", name="Customer status").get_by_role("link", name=label)


def _next_link(page: Any) -> Any:
    return page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next →")


def _pager(page: Any) -> Any:
    return page.get_by_role("navigation", name="Pages")


def _subtitle(page: Any) -> Any:
    return page.get_by_test_id("list-subtitle")


def _shown_ids(page: Any) -> list[str]:
    ids: list[str] = page.locator("#customer-list tbody td:nth-child(2)").all_inner_texts()
    assert len(ids) == 25
    return ids


def _url(path_and_query: str) -> re.Pattern[str]:
    return re.compile(re.escape(path_and_query) + "$")


def test_tabs_paging_and_the_back_button_keep_url_and_table_in_step(bob_page: Any) -> None:
    page = bob_page
    page.evaluate("window.sameDocument = true")  # lost if any step reloads the whole page

    _status_tab(page, "On hold").click()
    expect(page).to_have_url(_url("/customers/?status=on_hold"))
    expect(_subtitle(page)).to_have_text(f"On hold · {DEMO_STATUS_COUNTS['on_hold']} customers")
    expect(_status_tab(page, "On hold")).to_have_attribute("aria-current", "page")
    first_page = _shown_ids(page)

    _next_link(page).click()
    expect(page).to_have_url(_url("/customers/?status=on_hold&page=2"))
    expect(_pager(page)).to_contain_text(f"Page 2 of {ON_HOLD_PAGES}")
    second_page = _shown_ids(page)
    assert not set(second_page) & set(first_page)

    _next_link(page).click()
    expect(page).to_have_url(_url("/customers/?status=on_hold&page=3"))
    expect(_pager(page)).to_contain_text(f"Page 3 of {ON_HOLD_PAGES}")
    third_page = _shown_ids(page)
    assert not set(third_page) & set(second_page)
    assert page.evaluate("window.sameDocument") is True  # htmx swapped the list in place

    page.go_back()
    expect(page).to_have_url(_url("/customers/?status=on_hold&page=2"))
    expect(_pager(page)).to_contain_text(f"Page 2 of {ON_HOLD_PAGES}")
    assert _shown_ids(page) == second_page

    first_row = page.locator("#customer-list tbody tr").first
    customer_id = first_row.locator("td:nth-child(2)").inner_text()
    first_row.get_by_role("link").click()
    expect(page).to_have_url(_url(f"/customers/{customer_id}/"))
    expect(page.get_by_test_id("customer-status")).to_have_text("On hold")
    assert page.problems == []


def test_the_list_works_with_javascript_disabled(open_page: Any) -> None:
    page = open_page(java_script_enabled=False)
    sign_in(page, "bob")

    tab = _status_tab(page, "Verified")
    assert tab.get_attribute("href") == "?status=verified"
    tab.click()
    expect(page).to_have_url(_url("/customers/?status=verified"))
    expect(page).to_have_title("Customers · Verified · FinHub Back Office")
    expect(_subtitle(page)).to_have_text(f"Verified · {DEMO_STATUS_COUNTS['verified']} customers")
    first_page = _shown_ids(page)

    next_link = _next_link(page)
    assert next_link.get_attribute("href") == "?status=verified&page=2"
    next_link.click()
    expect(page).to_have_url(_url("/customers/?status=verified&page=2"))
    expect(_pager(page)).to_contain_text(f"Page 2 of {VERIFIED_PAGES}")
    assert not set(_shown_ids(page)) & set(first_page)


def test_the_search_box_opens_a_customer_by_exact_id(bob_page: Any) -> None:
    page = bob_page
    box = page.get_by_label("Search customers and tickets")

    box.fill("c-00042")
    box.press("Enter")

    expect(page).to_have_url(_url("/customers/c-00042/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "javascript:alert(1) <b>Bold</b> & 'Quotes' \"Double\""
    )
    assert page.problems == []


def test_the_search_box_explains_a_query_that_finds_nothing(bob_page: Any) -> None:
    page = bob_page
    box = page.get_by_label("Search customers and tickets")

    box.fill("not an id!")
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page.get_by_role("main")).to_contain_text("No customers or tickets match “not an id!”.")
    expect(page).to_have_url(_url("/search/?q=not+an+id%21"))


@pytest.mark.parametrize("customer_id", ["c-00007", "c-00013", "c-00042"])
def test_payload_customers_render_as_text_and_run_nothing(
    bob_page: Any, sandbox: RunningSandbox, customer_id: str
) -> None:
    page = bob_page
    customer = raw_customer(sandbox, customer_id)
    document = customer["person"]["documents"][0]["name"]

    page.goto(f"/customers/{customer_id}/")

    expect(page.get_by_role("heading", level=1)).to_have_text(customer["customerName"])
    expect(page.get_by_role("cell", name=document, exact=True)).to_be_visible()
    assert page.locator("main img, main svg, main script, main b").count() == 0
    assert page.problems == []  # no alert() dialog, no console error


def test_an_htmx_click_after_signing_out_elsewhere_lands_on_the_sign_in_page(
    bob_page: Any,
) -> None:
    page = bob_page
    _status_tab(page, "Dispute").click()
    expect(page).to_have_url(_url("/customers/?status=dispute"))
    other_tab = page.context.new_page()
    other_tab.goto("/customers/")
    other_tab.get_by_role("button", name="Sign out").click()
    expect(other_tab).to_have_url(_url("/login/"))
    other_tab.close()

    _next_link(page).click()

    expect(page).to_have_url(_url("/login/?next=%2Fcustomers%2F%3Fstatus%3Ddispute"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert page.locator("#customer-list").count() == 0
    assert page.locator("input[type=password]").count() == 1
    sign_in(page, "bob", lands_on="/customers/?status=dispute")
    expect(_subtitle(page)).to_have_text(f"Dispute · {DEMO_STATUS_COUNTS['dispute']} customers")


def test_list_and_customer_pages_log_no_console_errors_or_csp_violations(
    bob_page: Any,
) -> None:
    page = bob_page
    assert page.evaluate("typeof htmx") == "object"  # the scripts did load and run

    _status_tab(page, "Blacklisted").click()
    expect(page).to_have_url(_url("/customers/?status=blacklisted"))
    _next_link(page).click()
    expect(_pager(page)).to_contain_text("Page 2 of")
    page.locator("#customer-list tbody a").first.click()
    expect(page.get_by_test_id("customer-status")).to_have_text("Blacklisted")
    page.goto("/customers/c-00013/")
    expect(page.get_by_test_id("customer-status")).to_be_visible()
    page.go_back()
    expect(page.get_by_test_id("customer-status")).to_have_text("Blacklisted")

    assert page.problems == []


def test_the_console_watch_does_report_a_csp_violation(bob_page: Any) -> None:
    """Guards the test above: an inline script is blocked by the CSP, and we hear of it."""
    page = bob_page

    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.inlineRan = true'; document.body.append(s); }"
    )

    for _ in range(40):  # the violation is reported asynchronously
        if page.problems:
            break
        page.wait_for_timeout(50)
    assert page.evaluate("window.inlineRan") is None
    assert any("CSP violation: script-src" in problem for problem in page.problems)
