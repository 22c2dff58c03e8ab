"""Customer actions over real HTTP: what the sandbox holds afterwards, four-eyes, replays, roles.

Every test writes, so each gets a private sandbox (``private_backoffice``); the shared one is
never touched.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest

from tests.e2e import support
from tests.e2e.support import (
    CUSTOMERS_PREFIX,
    PrivateBackoffice,
    StaffClient,
    form_fields,
    post_form,
    toasts,
)

pytestmark = pytest.mark.e2e

private_backoffice = support.private_backoffice

# c-00100: Max Müller, under verification, KYC pending, PEP not checked, no revisions.
# c-00101: Nikolay Dimitrov, verified, KYC confirmed (by erin), PEP not checked.
PLAIN = "c-00100"
CONFIRMED = "c-00101"


def _customer(desk: PrivateBackoffice, customer_id: str) -> dict[str, Any]:
    return dict(desk.gateway_json(f"{CUSTOMERS_PREFIX}/{customer_id}"))


def _action_path(customer_id: str, action: str) -> str:
    return f"/customers/{customer_id}/actions/{action}/"


def _open_form(client: StaffClient, customer_id: str, action: str) -> dict[str, str]:
    page = client.get(f"/customers/{customer_id}/")
    assert page.status_code == 200, page.text
    return form_fields(page.text, _action_path(customer_id, action))


def _submit(
    client: StaffClient, customer_id: str, action: str, **values: str
) -> tuple[dict[str, str], Any]:
    """Open the customer page, fill in one action form and send it; returns (fields, response)."""
    fields = {**_open_form(client, customer_id, action), **values}
    return fields, post_form(client, _action_path(customer_id, action), fields)


def _pending_ids(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-testid="pending-(\d+)"', page)]


def _decide(client: StaffClient, change_id: int, decision: str, **extra: str) -> Any:
    approvals = client.get("/approvals/")
    assert approvals.status_code == 200
    path = f"/approvals/{change_id}/{decision}/"
    if decision == "approve":
        extra.setdefault("confirm", "on")  # the decision screen's "I have checked" box
    fields = {"csrfmiddlewaretoken": support.csrf_token(approvals.text), **extra}
    return post_form(client, path, fields)


def _followed(client: StaffClient, response: Any) -> str:
    assert response.status_code == 302, response.text
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return str(page.text)


def _marker() -> str:
    return f"e2e-{secrets.token_hex(4)}"


# ---- changes that go straight to the gateway ------------------------------------------------


def test_a_status_change_to_on_hold_is_saved_at_the_gateway(
    private_backoffice: PrivateBackoffice,
) -> None:
    desk = private_backoffice
    bob = desk.staff("bob")
    reason = f"Unusual card activity {_marker()}"

    _, response = _submit(bob, PLAIN, "status", status="on_hold", reason=reason)

    assert response.headers["Location"] == f"/customers/{PLAIN}/"
    page = _followed(bob, response)
    assert "Change status: saved at the gateway." in toasts(page)
    assert 'data-testid="customer-status">On hold</span>' in page
    assert _customer(desk, PLAIN)["customerStatus"] == "on_hold"
    audit = bob.get(f"/audit/?target={PLAIN}").text
    assert "Customer status change" in audit
    assert reason in audit


def test_a_kyc_confirmation_back_to_pending_is_saved_at_the_gateway(
    private_backoffice: PrivateBackoffice,
) -> None:
    desk = private_backoffice
    assert _customer(desk, CONFIRMED)["kycConfirmation"]["status"] == "confirmed"
    bob = desk.staff("bob")
    comment = f"Passport expired, documents requested again {_marker()}"

    _, response = _submit(bob, CONFIRMED, "kyc", kyc="pending", comment=comment)

    assert "KYC confirmation: saved at the gateway." in toasts(_followed(bob, response))
    kyc = _customer(desk, CONFIRMED)["kycConfirmation"]
    assert (kyc["status"], kyc["comment"], kyc["by"]) == ("pending", comment, "u-bob")


def test_a_pep_check_to_clear_is_saved_at_the_gateway(
    private_backoffice: PrivateBackoffice,
) -> None:
    desk = private_backoffice
    bob = desk.staff("bob")
    comment = f"Screened against the PEP list {_marker()}"

    _, response = _submit(bob, PLAIN, "pep", pep="clear", comment=comment)

    page = _followed(bob, response)
    assert "PEP check: saved at the gateway." in toasts(page)
    assert "PEP: Clear" in page
    pep = _customer(desk, PLAIN)["pepCheckStatus"]
    assert (pep["status"], pep["comment"], pep["by"]) == ("clear", comment, "u-bob")


def test_a_revision_is_recorded_at_the_gateway(private_backoffice: PrivateBackoffice) -> None:
    desk = private_backoffice
    bob = desk.staff("bob")
    comment = f"Customer moved {_marker()}"

    _, response = _submit(
        bob,
        PLAIN,
        "revision",
        comment=comment,
        changes="person.email: max.mueller@example.org\nperson.addresses[0].address.city: Graz",
    )

    page = _followed(bob, response)
    assert "Record revision: saved at the gateway." in toasts(page)
    assert comment in page
    revisions = _customer(desk, PLAIN)["revisions"]
    assert len(revisions) == 1
    assert revisions[0]["comment"] == comment
    assert revisions[0]["by"] == "u-bob"
    assert revisions[0]["changes"] == {
        "person.email": "max.mueller@example.org",
        "person.addresses[0].address.city": "Graz",
    }


# ---- four-eyes -------------------------------------------------------------------------------


def test_a_sensitive_status_change_waits_until_another_officer_approves_it(
    private_backoffice: PrivateBackoffice,
) -> None:
    desk = private_backoffice
    before = _customer(desk, PLAIN)
    bob, erin = desk.staff("bob"), desk.staff("erin")

    _, response = _submit(bob, PLAIN, "status", status="blacklisted", reason="Fraud ring")

    page = _followed(bob, response)
    assert (
        "Change status requested. A second officer must approve it before it reaches the gateway."
        in toasts(page)
    )
    assert "Pending approval</span> Change status: Under verification → Blacklisted" in page
    assert 'data-testid="customer-status">Under verification</span>' in page
    assert _customer(desk, PLAIN) == before  # nothing was sent
    (change_id,) = _pending_ids(bob.get("/approvals/").text)

    # The maker cannot approve his own request, even by posting directly.
    refused = _decide(bob, change_id, "approve")
    assert refused.status_code == 403
    assert "a different officer must decide on it" in refused.text
    assert _customer(desk, PLAIN) == before

    approved = _decide(erin, change_id, "approve")

    assert approved.status_code == 302
    assert approved.headers["Location"] == "/approvals/"
    assert _customer(desk, PLAIN)["customerStatus"] == "blacklisted"
    assert _pending_ids(erin.get("/approvals/").text) == []
    assert (
        'data-testid="customer-status">Blacklisted</span>' in bob.get(f"/customers/{PLAIN}/").text
    )
    # A second approval of the same request finds it decided and sends nothing more.
    assert _decide(erin, change_id, "approve").status_code == 403


def test_a_rejected_kyc_confirmation_never_reaches_the_gateway(
    private_backoffice: PrivateBackoffice,
) -> None:
    desk = private_backoffice
    before = _customer(desk, PLAIN)
    bob, alice = desk.staff("bob"), desk.staff("alice")

    _, response = _submit(bob, PLAIN, "kyc", kyc="confirmed", comment="All documents valid")
    assert "KYC confirmation requested." in toasts(_followed(bob, response))[0]
    (change_id,) = _pending_ids(alice.get("/approvals/").text)

    rejected = _decide(alice, change_id, "reject", note="Selfie does not match the passport")

    assert rejected.status_code == 302
    approvals = alice.get("/approvals/").text
    assert _pending_ids(approvals) == []
    assert "Selfie does not match the passport" in approvals
    assert _customer(desk, PLAIN) == before
    assert _decide(bob, change_id, "withdraw").status_code == 403  # already decided


# ---- replays and roles -----------------------------------------------------------------------


def test_a_form_submitted_twice_changes_the_customer_once(
    private_backoffice: PrivateBackoffice,
) -> None:
    desk = private_backoffice
    bob = desk.staff("bob")
    fields = {
        **_open_form(bob, PLAIN, "revision"),
        "comment": f"Phone number corrected {_marker()}",
        "changes": "person.telephoneNumbers[0].number: +43 660 1234567",
    }
    assert fields["form_token"]
    assert fields["seen_revisions"] == "0"

    first = post_form(bob, _action_path(PLAIN, "revision"), fields)
    second = post_form(bob, _action_path(PLAIN, "revision"), fields)

    assert first.status_code == 302
    assert second.status_code == 409
    assert "Already saved; nothing was sent again." in second.text
    assert fields["comment"] in second.text  # what was typed is still in the form
    revisions = _customer(desk, PLAIN)["revisions"]
    assert [revision["comment"] for revision in revisions] == [fields["comment"]]
    audit = bob.get(f"/audit/?target={PLAIN}&action=customer.revision").text
    assert "Audit trail · 1 record · " in audit


def test_an_assignee_may_not_change_a_customer(private_backoffice: PrivateBackoffice) -> None:
    desk = private_backoffice
    before = _customer(desk, PLAIN)
    carol = desk.staff("carol")
    page = carol.get(f"/customers/{PLAIN}/")
    assert page.status_code == 200
    assert "Your role can read customers but not change them." in page.text
    assert f'action="{_action_path(PLAIN, "status")}"' not in page.text
    csrf = support.csrf_token(page.text)  # from the sign-out form

    attempts = {
        "status": {"status": "on_hold", "reason": "Trying anyway"},
        "kyc": {"kyc": "pending", "comment": "Trying anyway"},
        "pep": {"pep": "clear", "comment": "Trying anyway"},
        "revision": {"comment": "Trying anyway", "changes": "person.email: x@example.org"},
    }
    for action, values in attempts.items():
        response = post_form(
            carol,
            _action_path(PLAIN, action),
            {"csrfmiddlewaretoken": csrf, "form_token": "forged", **values},
        )
        assert response.status_code == 403, action

    assert _customer(desk, PLAIN) == before
    assert carol.get("/audit/").status_code == 403
    assert "Nothing has been recorded yet." in desk.staff("bob").get("/audit/").text


def test_an_assignee_may_not_decide_on_a_pending_change(
    private_backoffice: PrivateBackoffice,
) -> None:
    desk = private_backoffice
    before = _customer(desk, PLAIN)
    bob, carol = desk.staff("bob"), desk.staff("carol")
    _submit(bob, PLAIN, "status", status="verified", reason="Documents complete")
    (change_id,) = _pending_ids(bob.get("/approvals/").text)
    refused = carol.get("/approvals/")
    assert refused.status_code == 403
    assert "Approve and apply" not in refused.text

    csrf = support.csrf_token(refused.text)  # from the sign-out form
    for decision in ("approve", "reject", "withdraw"):
        path = f"/approvals/{change_id}/{decision}/"
        assert post_form(carol, path, {"csrfmiddlewaretoken": csrf}).status_code == 403

    assert _customer(desk, PLAIN) == before
    assert _pending_ids(bob.get("/approvals/").text) == [change_id]
