"""Four-eyes in Chromium: bob requests, alice approves, the audit trail tells the story.

These tests write, so the app talks to a private sandbox of each test (``own_gateway``).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect

from sandbox.server import RunningSandbox
from tests.browser import helpers
from tests.browser.helpers import action_panel, csrf_token_of, signed_in_page, toast
from tests.browser.test_accessibility import blocking_violations
from tests.e2e import support
from tests.e2e.support import CUSTOMERS_PREFIX, SandboxFaults, raw_customer

pytestmark = pytest.mark.browser

own_sandbox = support.own_sandbox
own_gateway = helpers.own_gateway
backoffice = helpers.backoffice_on_own_gateway

# c-00100: Max Müller, under verification (not blacklisted), KYC pending, PEP not checked.
# c-00101: Nikolay Dimitrov, verified, KYC confirmed.
CUSTOMER = "c-00100"
CONFIRMED = "c-00101"


def _url(path_and_query: str) -> re.Pattern[str]:
    return re.compile(re.escape(path_and_query) + "$")


def test_bob_requests_a_blacklisting_and_alice_approves_it(
    bob_page: Any, open_page: Callable[..., Any], own_gateway: RunningSandbox
) -> None:
    page = bob_page
    reason = f"Linked to a mule account ring {secrets.token_hex(3)}"
    page.goto(f"/customers/{CUSTOMER}/")
    expect(page.get_by_test_id("customer-status")).to_have_text("Under verification")

    panel = action_panel(page, "Change status")
    panel.get_by_label("New status").select_option(label="Blacklisted")
    panel.get_by_label("Reason").fill(reason)
    panel.get_by_role("button", name="Submit").click()

    expect(page).to_have_url(_url(f"/customers/{CUSTOMER}/"))
    expect(toast(page)).to_contain_text(
        "Change status requested. A second officer must approve it before it reaches the gateway."
    )
    pending = page.locator("p.pending")
    expect(pending).to_contain_text("Pending approval")
    expect(pending).to_contain_text("Under verification → Blacklisted, requested by Bob Compliance")
    expect(page.get_by_test_id("customer-status")).to_have_text("Under verification")
    assert raw_customer(own_gateway, CUSTOMER)["customerStatus"] == "under_verificaiton"

    # Bob sees his request but may not approve it, not even by posting directly.
    pending.get_by_role("link", name="Review in Approvals").click()
    expect(page).to_have_url(re.compile(r"/approvals/\d+/$"))
    expect(page.get_by_text("You requested this; another officer must decide.")).to_be_visible()
    expect(page.get_by_role("button", name="Approve and apply")).to_have_count(0)
    page.get_by_role("link", name="Approvals", exact=True).first.click()
    expect(page).to_have_url(_url("/approvals/"))
    row = page.locator("tr[data-testid^=pending-]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(CUSTOMER)
    expect(row).to_contain_text(reason)
    expect(row).to_contain_text("You requested this; another officer must decide.")
    expect(row.get_by_role("button", name="Withdraw")).to_be_visible()
    expect(page.get_by_role("button", name="Approve and apply")).to_have_count(0)
    change_id = str(row.get_attribute("data-testid")).removeprefix("pending-")
    refused = page.request.post(
        urljoin(page.url, f"/approvals/{change_id}/approve/"),
        form={"csrfmiddlewaretoken": csrf_token_of(page)},
    )
    assert refused.status == 403
    assert "a different officer must decide on it" in refused.text()
    assert raw_customer(own_gateway, CUSTOMER)["customerStatus"] == "under_verificaiton"

    # Alice, in a browser context of her own, sees one request waiting for her and approves it.
    alice = signed_in_page(open_page, "alice")
    expect(alice.get_by_test_id("pending-count")).to_have_text("1 waiting for your decision")
    alice.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    alice_row = alice.get_by_test_id(f"pending-{change_id}")
    expect(alice_row).to_contain_text(reason)
    expect(alice_row).to_contain_text("Bob Compliance")
    alice_row.get_by_role("link", name="Review and decide").click()
    expect(alice).to_have_url(_url(f"/approvals/{change_id}/"))
    expect(alice.get_by_test_id("customer-now")).to_contain_text("Under verification")
    assert blocking_violations(alice) == []  # the decision screen, the top bar's count included
    confirm = alice.get_by_label("I have checked the customer as the gateway holds it now")
    expect(confirm).not_to_be_checked()
    alice.get_by_role("button", name="Approve and apply").click()  # the browser asks first
    expect(alice).to_have_url(_url(f"/approvals/{change_id}/"))
    assert raw_customer(own_gateway, CUSTOMER)["customerStatus"] == "under_verificaiton"
    confirm.check()
    alice.get_by_role("button", name="Approve and apply").click()

    expect(alice).to_have_url(_url("/approvals/"))
    expect(toast(alice)).to_contain_text("Approved: Change status for Max Müller applied.")
    expect(alice.get_by_text("Nothing waits for approval.")).to_be_visible()
    assert raw_customer(own_gateway, CUSTOMER)["customerStatus"] == "blacklisted"
    alice.goto(f"/customers/{CUSTOMER}/")
    expect(alice.get_by_test_id("customer-status")).to_have_text("Blacklisted")
    expect(alice.locator("p.pending")).to_have_count(0)
    page.reload()  # bob's view of the approvals page
    expect(page.get_by_text("Nothing waits for approval.")).to_be_visible()

    # The audit trail, filtered to this customer, has the whole story, newest first.
    alice.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
    alice.get_by_label("Target id").fill(CUSTOMER)
    alice.get_by_role("button", name="Apply").click()
    expect(alice).to_have_url(_url(f"/audit/?target={CUSTOMER}"))
    rows = alice.locator("#audit-list tbody tr")
    expect(rows).to_have_count(3)
    expect(alice.get_by_test_id("list-subtitle")).to_contain_text("Audit trail · 3 records")
    seen = [
        (
            row.locator("td").nth(1).inner_text(),
            row.locator("td").nth(2).inner_text(),
            row.locator("td").nth(3).get_by_role("link").first.inner_text(),
            row.locator("td").nth(5).inner_text(),
        )
        for row in rows.all()
    ]
    assert seen == [
        ("Alice Admin", "Customer status change", CUSTOMER, "Applied"),
        ("Alice Admin", "Approval granted", CUSTOMER, "Approved"),
        ("Bob Compliance", "Approval requested", CUSTOMER, "Held for approval"),
    ]
    for row in rows.all():
        expect(row.locator("td.summary")).to_contain_text(
            "Status: Under verification → Blacklisted"
        )
        expect(row.get_by_role("link", name="Timeline")).to_have_attribute(
            "href", f"/customers/{CUSTOMER}/timeline/"
        )
        expect(row.locator("td.summary")).to_contain_text(reason)

    assert page.problems == []
    assert alice.problems == []


def test_a_failing_gateway_keeps_the_kyc_comment_for_another_try(
    bob_page: Any, own_gateway: RunningSandbox
) -> None:
    page = bob_page
    comment = f"Proof of address is older than three months {secrets.token_hex(3)}"
    page.goto(f"/customers/{CONFIRMED}/")
    expect(page.get_by_text("KYC: Confirmed", exact=True)).to_be_visible()
    faults = SandboxFaults(own_gateway)
    faults.put(pathPrefix=f"{CUSTOMERS_PREFIX}/{CONFIRMED}/kycConfirmation", errorRate=1.0)
    try:
        panel = action_panel(page, "KYC confirmation")
        panel.get_by_label("KYC confirmation").select_option(label="Pending")
        panel.get_by_label("Comment").fill(comment)
        panel.get_by_role("button", name="Submit").click()

        banner = page.locator(".banner-error")
        expect(banner).to_contain_text("The gateway is unavailable.")
        expect(banner).to_contain_text("Request id")
        expect(page.get_by_text("Everything you typed is still in the form below.")).to_be_visible()
        panel = page.locator("details.action[open]")
        expect(panel.locator("summary")).to_have_text("KYC confirmation")
        expect(panel.get_by_label("Comment")).to_have_value(comment)
        expect(panel.get_by_label("KYC confirmation")).to_have_value("pending")
        expect(page.get_by_text("KYC: Confirmed", exact=True)).to_be_visible()
        assert raw_customer(own_gateway, CONFIRMED)["kycConfirmation"]["status"] == "confirmed"
    finally:
        faults.clear()

    # Once the gateway is back, the kept form goes through as it stands.
    panel.get_by_role("button", name="Submit").click()

    expect(toast(page)).to_contain_text("KYC confirmation: saved at the gateway.")
    expect(page.get_by_text("KYC: Pending")).to_be_visible()
    kyc = raw_customer(own_gateway, CONFIRMED)["kycConfirmation"]
    assert (kyc["status"], kyc["comment"]) == ("pending", comment)
    # Chromium logs the page's own 502 answer; anything else would be a real problem.
    assert page.problems == [
        "console error: Failed to load resource: the server responded with a status of 502 "
        f"(Bad Gateway) at {urljoin(page.url, f'/customers/{CONFIRMED}/actions/kyc/')}"
    ]


def test_each_comment_label_belongs_to_the_box_of_its_own_form(bob_page: Any) -> None:
    page = bob_page
    page.goto(f"/customers/{CUSTOMER}/")

    # label.control is the element the browser focuses (and a screen reader names) for a label.
    targets = page.locator("details.action").evaluate_all(
        """panels => panels.map((panel) => {
          const labels = [...panel.querySelectorAll("label")];
          const label = labels.find((l) => l.textContent === "Comment");
          const summary = panel.querySelector("summary").textContent;
          return label ? [summary, label.control.form.action] : null;
        }).filter(Boolean)"""
    )
    ids = page.locator("main [id]").evaluate_all("nodes => nodes.map((node) => node.id)")
    found = {
        "comment labels": [(summary, action.split("/actions/")[1]) for summary, action in targets],
        "duplicate ids": sorted({i for i in ids if ids.count(i) > 1}),
    }
    assert found == {
        "comment labels": [
            ("KYC confirmation", "kyc/"),
            ("PEP check", "pep/"),
            ("Record a revision", "revision/"),
        ],
        "duplicate ids": [],
    }
