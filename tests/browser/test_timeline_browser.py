"""The case timeline in Chromium after a four-eyes decision: bob asks to blacklist, erin
approves, and the customer page's timeline (loaded with HTMX) and its own page tell the story."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from sandbox.server import RunningSandbox
from tests.browser import helpers
from tests.browser.helpers import action_panel, signed_in_page
from tests.browser.test_accessibility import blocking_violations
from tests.e2e import support
from tests.e2e.support import raw_customer

pytestmark = pytest.mark.browser

own_sandbox = support.own_sandbox
own_gateway = helpers.own_gateway
backoffice = helpers.backoffice_on_own_gateway

CUSTOMER = "c-00100"  # Max Müller, under verification in the seed


def test_the_timeline_after_a_four_eyes_decision(
    bob_page: Any, open_page: Callable[..., Any], own_gateway: RunningSandbox
) -> None:
    page = bob_page
    reason = f"Screening hit {secrets.token_hex(3)}"
    page.goto(f"/customers/{CUSTOMER}/")
    panel = action_panel(page, "Change status")
    panel.get_by_label("New status").select_option(label="Blacklisted")
    panel.get_by_label("Reason").fill(reason)
    panel.get_by_role("button", name="Submit").click()
    expect(page.locator("p.pending")).to_contain_text("Pending approval")

    erin = signed_in_page(open_page, "erin")
    erin.goto("/approvals/")
    erin.get_by_role("link", name="Review and decide").first.click()
    erin.get_by_label("I have checked the customer as the gateway holds it now").check()
    erin.get_by_role("button", name="Approve and apply").click()
    expect(erin).to_have_url(re.compile(r"/approvals/$"))
    assert raw_customer(own_gateway, CUSTOMER)["customerStatus"] == "blacklisted"

    page.goto(f"/customers/{CUSTOMER}/")
    entries = page.get_by_test_id("timeline").get_by_test_id("timeline-entry")
    expect(entries.nth(0)).to_contain_text("Status changed")
    expect(entries.nth(1)).to_contain_text("Approved")
    expect(entries.nth(1)).to_contain_text(
        "Requested by Bob Compliance · approved by Erin Compliance"
    )
    expect(entries.nth(1)).to_contain_text("Status: Under verification → Blacklisted")
    expect(entries.nth(1)).to_contain_text(reason)
    expect(entries.nth(2)).to_contain_text("Approval requested")
    expect(entries.nth(2)).to_contain_text("Held for approval")

    page.get_by_role("link", name="Open the timeline on its own page").click()
    expect(page).to_have_url(re.compile(rf"/customers/{CUSTOMER}/timeline/$"))
    expect(page.get_by_role("heading", name=re.compile("Timeline of Max Müller"))).to_be_visible()
    expect(page.get_by_test_id("timeline-entry").nth(1)).to_contain_text("Erin Compliance")
    assert blocking_violations(page) == []
