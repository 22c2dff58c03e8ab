"""Four-eyes integrity over real HTTP: a checker cannot apply a change whose "before" is gone.

Finding 1 of issue 7: customer `new`; bob asks for → verified (held); the customer is then
blacklisted; alice approves bob's request, which still reads "New → Verified", and the
customer became `verified`. Each test writes, so each has a private sandbox.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest

from tests.e2e import support
from tests.e2e.support import (
    CUSTOMERS_PREFIX,
    PrivateBackoffice,
    StaffClient,
    csrf_token,
    form_fields,
    post_form,
)

pytestmark = pytest.mark.e2e

private_backoffice = support.private_backoffice

CUSTOMER = "c-00100"  # Max Müller, under verification in the seed; set to `new` below


def _status(desk: PrivateBackoffice) -> str:
    return str(desk.gateway_json(f"{CUSTOMERS_PREFIX}/{CUSTOMER}")["customerStatus"])


def _set_status_at_the_gateway(desk: PrivateBackoffice, status: str, username: str) -> None:
    """A change made outside this back office (another system, another tool)."""
    customer = desk.gateway_json(f"{CUSTOMERS_PREFIX}/{CUSTOMER}")
    response = desk.gateway(
        "POST",
        f"{CUSTOMERS_PREFIX}/update/{CUSTOMER}/status/{status}",
        username=username,
        json={"id": CUSTOMER, "customerStatus": status, "customerType": customer["customerType"]},
    )
    assert response.status_code == 200, response.text
    assert _status(desk) == status


def _request_status(client: StaffClient, status: str, reason: str) -> Any:
    action = f"/customers/{CUSTOMER}/actions/status/"
    page = client.get(f"/customers/{CUSTOMER}/")
    assert page.status_code == 200, page.text
    fields = {**form_fields(page.text, action), "status": status, "reason": reason}
    return post_form(client, action, fields)


def _pending_ids(client: StaffClient) -> list[int]:
    page = client.get("/approvals/").text
    return [int(pk) for pk in re.findall(r'data-testid="pending-(\d+)"', page)]


def _audit(client: StaffClient) -> list[dict[str, Any]]:
    """The customer's audit records, oldest first, from the CSV export."""
    response = client.get(f"/audit/export.csv?target={CUSTOMER}")
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    for row in rows:
        row["summary"] = json.loads(row["summary"])
    return rows[::-1]


def test_a_checker_cannot_apply_a_request_whose_before_no_longer_holds(
    private_backoffice: PrivateBackoffice,
) -> None:
    desk = private_backoffice
    _set_status_at_the_gateway(desk, "new", username="alice")
    bob, alice = desk.staff("bob"), desk.staff("alice")

    # bob asks for New → Verified: held, nothing sent.
    held = _request_status(bob, "verified", "Documents complete")
    assert held.status_code == 302, held.text
    (change_id,) = _pending_ids(bob)
    assert _status(desk) == "new"

    # bob's second request for the same customer and kind is refused, pointing at the first.
    second = _request_status(bob, "blacklisted", "Fraud ring")
    assert second.status_code == 409
    assert "Change status (New → Verified, requested by Bob Compliance) already waits" in (
        second.text
    )
    assert f'href="/approvals/{change_id}/"' in second.text
    assert _pending_ids(bob) == [change_id]
    assert _status(desk) == "new"

    # Meanwhile the customer is blacklisted at the gateway, outside this back office.
    _set_status_at_the_gateway(desk, "blacklisted", username="erin")

    # alice opens the request: the screen shows the drift and offers no approval ...
    decision = alice.get(f"/approvals/{change_id}/")
    assert decision.status_code == 200
    assert "Status is now Blacklisted; the request was New → Verified." in decision.text
    assert 'data-testid="approve-form"' not in decision.text

    # ... and approving it anyway (the form as it was before the drift) is refused.
    approved = post_form(
        alice,
        f"/approvals/{change_id}/approve/",
        {"csrfmiddlewaretoken": csrf_token(decision.text), "confirm": "on"},
    )

    assert approved.status_code == 409
    assert "Not applied: the customer changed after this request was made." in approved.text
    assert "Status is now Blacklisted; the request was New → Verified." in approved.text
    assert _status(desk) == "blacklisted"  # the gateway still holds the blacklisting
    assert _pending_ids(alice) == []

    audit = _audit(alice)
    assert [(row["action"], row["staff_user_id"], row["outcome"]) for row in audit] == [
        ("approval.requested", "u-bob", "pending"),
        ("approval.stale", "u-alice", "stale"),
    ]
    stale = audit[-1]["summary"]
    assert stale["change_request"] == change_id
    assert (stale["before"], stale["after"], stale["now"]) == (
        {"status": "new"},
        {"status": "verified"},
        {"status": "blacklisted"},
    )
    assert "customer.status" not in {row["action"] for row in audit}  # nothing was sent


def test_a_request_whose_before_still_holds_is_applied_once(
    private_backoffice: PrivateBackoffice,
) -> None:
    desk = private_backoffice
    _set_status_at_the_gateway(desk, "new", username="alice")
    bob, alice = desk.staff("bob"), desk.staff("alice")
    assert _request_status(bob, "verified", "Documents complete").status_code == 302
    (change_id,) = _pending_ids(bob)

    decision = alice.get(f"/approvals/{change_id}/")
    fields = form_fields(decision.text, f"/approvals/{change_id}/approve/")
    unconfirmed = post_form(alice, f"/approvals/{change_id}/approve/", fields)
    assert unconfirmed.status_code == 400
    assert _status(desk) == "new"

    approved = post_form(alice, f"/approvals/{change_id}/approve/", {**fields, "confirm": "on"})

    assert approved.status_code == 302
    assert _status(desk) == "verified"
    audit = _audit(alice)
    assert [(row["action"], row["staff_user_id"], row["outcome"]) for row in audit] == [
        ("approval.requested", "u-bob", "pending"),
        ("approval.approved", "u-alice", "ok"),
        ("customer.status", "u-alice", "ok"),
    ]
