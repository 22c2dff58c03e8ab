"""The case timeline over real HTTP: a four-eyes blacklisting, requested by bob and approved by
erin, reads on the customer's timeline with both names, the reason and the new status's label."""

from __future__ import annotations

import re

import pytest

from tests.e2e import support
from tests.e2e.support import CUSTOMERS_PREFIX, PrivateBackoffice, form_fields, post_form

pytestmark = pytest.mark.e2e

private_backoffice = support.private_backoffice

CUSTOMER = "c-00100"
REASON = "Sanctions list match <confirmed> by screening"


def test_a_four_eyes_blacklisting_reads_on_the_timeline(
    private_backoffice: PrivateBackoffice,
) -> None:
    desk = private_backoffice
    bob, erin, carol = desk.staff("bob"), desk.staff("erin"), desk.staff("carol")
    action = f"/customers/{CUSTOMER}/actions/status/"
    page = bob.get(f"/customers/{CUSTOMER}/")
    fields = {**form_fields(page.text, action), "status": "blacklisted", "reason": REASON}
    assert post_form(bob, action, fields).status_code == 302
    (change_id,) = [
        int(pk) for pk in re.findall(r'data-testid="pending-(\d+)"', erin.get("/approvals/").text)
    ]
    decision = erin.get(f"/approvals/{change_id}/")
    approve = f"/approvals/{change_id}/approve/"
    fields = {**form_fields(decision.text, approve), "confirm": "on"}
    assert post_form(erin, approve, fields).status_code == 302
    status = desk.gateway_json(f"{CUSTOMERS_PREFIX}/{CUSTOMER}")["customerStatus"]
    assert status == "blacklisted"

    timeline = bob.get(f"/customers/{CUSTOMER}/timeline/")
    assert timeline.status_code == 200
    entries = re.findall(
        r'<li class="timeline-entry[^"]*"[^>]*>(.*?)</li>\s*(?=<li|</ol>)', timeline.text, re.S
    )
    titles = [re.search(r"<strong>([^<]*)</strong>", entry).group(1) for entry in entries]
    # Newest first: the applied write and the approval (same moment), then the request.
    assert titles[:3] == ["Status changed", "Approved", "Approval requested"], titles
    approved, requested = entries[1], entries[2]
    assert "Requested by Bob Compliance · approved by Erin Compliance" in approved
    assert "Status: Under verification → Blacklisted" in approved
    assert "Reason: “Sanctions list match &lt;confirmed&gt; by screening”" in approved
    assert "By Bob Compliance" in requested and "Held for approval" in requested
    assert "blacklisted" not in timeline.text.replace("Blacklisted", "")

    # The audit list links each of the customer's rows to the timeline.
    audit = bob.get(f"/audit/?target={CUSTOMER}").text
    assert audit.count(f'href="/customers/{CUSTOMER}/timeline/"') >= 3
    # A support agent reads the customer but not the case timeline.
    assert carol.get(f"/customers/{CUSTOMER}/timeline/").status_code == 403
