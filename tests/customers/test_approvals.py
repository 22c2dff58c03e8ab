"""Four-eyes: a different officer approves (and the change is sent) or rejects (nothing is)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import requests
import responses
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from responses import matchers

from backoffice.models import AuditRecord, StaffMember
from customers.models import ChangeRequest
from tests.customers.test_customer_actions import (
    current_customer,
    post_action,
    register_profile,
    writes_sent,
)
from tests.customers.test_customer_detail_view import (
    CUSTOMER_ID,
    CUSTOMERS,
    DETAIL,
    DOCUMENTS,
    customer_json,
    document_json,
    documents_json,
    html,
)

STATUS_URL = f"{CUSTOMERS}/update/{CUSTOMER_ID}/status/blacklisted"
APPROVE = {"confirm": "on"}


def customer_holds(gateway: responses.RequestsMock, **overrides: Any) -> None:
    """The customer as the gateway answers the checker's re-read (and the decision screen)."""
    gateway.get(DETAIL, json=customer_json(**{"customerStatus": "verified", **overrides}))
    gateway.get(DOCUMENTS, json=documents_json(document_json()))


def pending_blacklisting(maker: str = "u-bob") -> ChangeRequest:
    return ChangeRequest.objects.create(
        customer_id=CUSTOMER_ID,
        customer_name="Ivan Petrov",
        action="status",
        path_params={"customer_id": CUSTOMER_ID, "status": "blacklisted"},
        body={"id": CUSTOMER_ID, "customerStatus": "blacklisted"},
        before={"status": "verified"},
        after={"status": "blacklisted"},
        reason="Sanctions hit",
        maker=StaffMember.objects.get(gateway_user_id=maker),
    )


@pytest.fixture
def clients(sign_in: Callable[..., Client]) -> dict[str, Client]:
    return {name: sign_in(name) for name in ("alice", "bob", "carol")}


def test_the_maker_cannot_approve_their_own_request(
    clients: dict[str, Client], gateway: responses.RequestsMock
) -> None:
    change = pending_blacklisting()
    response = clients["bob"].post(f"/approvals/{change.pk}/approve/")
    assert response.status_code == 403
    assert "a different officer must decide" in html(response)
    assert len(gateway.calls) == 0
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.PENDING


def test_the_maker_is_not_offered_a_decision(
    clients: dict[str, Client], gateway: responses.RequestsMock
) -> None:
    change = pending_blacklisting()
    page = html(clients["bob"].get("/approvals/"))
    assert "Sanctions hit" in page
    assert "Review and decide" not in page
    assert "Withdraw" in page
    assert "Verified → <strong>Blacklisted</strong>" in page
    customer_holds(gateway)
    decision_page = html(clients["bob"].get(f"/approvals/{change.pk}/"))
    assert "You requested this; another officer must decide." in decision_page
    assert "Approve and apply" not in decision_page
    assert 'data-testid="reject-form"' not in decision_page


def test_a_second_officer_approves_and_the_change_is_sent_with_their_token(
    clients: dict[str, Client], gateway: responses.RequestsMock
) -> None:
    change = pending_blacklisting()
    customer_holds(gateway)
    gateway.post(
        STATUS_URL,
        json={"customer": {"id": CUSTOMER_ID, "customerStatus": "blacklisted"}},
        match=[
            matchers.header_matcher({"Authorization": "Bearer access-u-alice-secret"}),
            matchers.json_params_matcher({"id": CUSTOMER_ID, "customerStatus": "blacklisted"}),
        ],
    )
    response = clients["alice"].post(f"/approvals/{change.pk}/approve/", APPROVE)
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.APPROVED
    assert change.checker.gateway_user_id == "u-alice"
    actions = list(AuditRecord.objects.order_by("id").values_list("action", "staff_user_id"))
    assert actions == [("approval.approved", "u-alice"), ("customer.status", "u-alice")]
    assert [call.request.method for call in gateway.calls] == ["GET", "POST"]


def test_approving_twice_sends_once(
    clients: dict[str, Client], gateway: responses.RequestsMock
) -> None:
    change = pending_blacklisting()
    customer_holds(gateway)
    gateway.post(STATUS_URL, json={"customer": {"id": CUSTOMER_ID}})
    clients["alice"].post(f"/approvals/{change.pk}/approve/", APPROVE)
    second = clients["alice"].post(f"/approvals/{change.pk}/approve/", APPROVE)
    assert second.status_code == 403
    assert "already been decided" in html(second)
    assert [call.request.method for call in gateway.calls] == ["GET", "POST"]


def test_an_assignee_cannot_approve(
    clients: dict[str, Client], gateway: responses.RequestsMock
) -> None:
    change = pending_blacklisting()
    assert clients["carol"].post(f"/approvals/{change.pk}/approve/").status_code == 403
    assert len(gateway.calls) == 0


def test_rejecting_sends_nothing_and_keeps_the_note(
    clients: dict[str, Client], gateway: responses.RequestsMock
) -> None:
    change = pending_blacklisting()
    response = clients["alice"].post(f"/approvals/{change.pk}/reject/", {"note": "Wrong person"})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.REJECTED
    assert change.decision_note == "Wrong person"
    assert len(gateway.calls) == 0
    assert AuditRecord.objects.get().action == "approval.rejected"


def test_only_the_maker_can_withdraw(
    clients: dict[str, Client], gateway: responses.RequestsMock
) -> None:
    change = pending_blacklisting()
    assert clients["alice"].post(f"/approvals/{change.pk}/withdraw/").status_code == 403
    assert clients["bob"].post(f"/approvals/{change.pk}/withdraw/").status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.WITHDRAWN
    assert len(gateway.calls) == 0


def test_an_approved_change_the_gateway_refuses_is_marked_failed(
    clients: dict[str, Client], gateway: responses.RequestsMock
) -> None:
    change = pending_blacklisting()
    customer_holds(gateway)
    gateway.post(STATUS_URL, status=500, json={"status": 500, "message": "database down"})
    response = clients["alice"].post(f"/approvals/{change.pk}/approve/", APPROVE, follow=True)
    assert "the gateway refused the change" in html(response)
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.FAILED
    assert "database down" in change.outcome
    assert [call.request.method for call in gateway.calls] == ["GET", "POST"]
    assert (
        AuditRecord.objects.filter(action="customer.status").get().outcome == "GatewayUnavailable"
    )


def pending_request(action: str, before: str, after: str, maker: str = "u-bob") -> ChangeRequest:
    path_params = {"customer_id": CUSTOMER_ID}
    if action == "status":
        path_params["status"] = after
    return ChangeRequest.objects.create(
        customer_id=CUSTOMER_ID,
        customer_name="Ivan Petrov",
        action=action,
        path_params=path_params,
        body={"id": CUSTOMER_ID, "customerStatus": after},
        before={action: before},
        after={action: after},
        reason="Documents complete",
        maker=StaffMember.objects.get(gateway_user_id=maker),
    )


# ---- finding 1 of issue 7: a checker approved a change whose "before" no longer held ---------


def test_an_approval_whose_before_no_longer_holds_is_refused_and_sends_nothing(
    clients: dict[str, Client], gateway: responses.RequestsMock
) -> None:
    # bob asked for New → Verified; meanwhile the customer was blacklisted.
    change = pending_request("status", "new", "verified")
    customer_holds(gateway, customerStatus="blacklisted")
    gateway.post(f"{CUSTOMERS}/update/{CUSTOMER_ID}/status/verified", json={})

    response = clients["alice"].post(f"/approvals/{change.pk}/approve/", APPROVE)

    assert response.status_code == 409
    assert [call.request.method for call in gateway.calls if call.request.method != "GET"] == []
    page = html(response)
    assert (
        "Not applied: the customer changed after this request was made. "
        "Status is now Blacklisted; the request was New → Verified." in page
    )
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.STALE
    assert change.checker.gateway_user_id == "u-alice"
    assert "Status is now Blacklisted" in change.outcome
    record = AuditRecord.objects.get()
    assert (record.action, record.staff_user_id, record.outcome) == (
        "approval.stale",
        "u-alice",
        "stale",
    )
    assert record.summary["now"] == {"status": "blacklisted"}
    assert record.summary["before"] == {"status": "new"}
    assert record.summary["after"] == {"status": "verified"}
    # It has left the queue, and approving it again finds it decided.
    assert f'data-testid="pending-{change.pk}"' not in html(clients["alice"].get("/approvals/"))
    again = clients["alice"].post(f"/approvals/{change.pk}/approve/", APPROVE)
    assert again.status_code == 403


@pytest.mark.parametrize(
    ("action", "before", "after", "customer"),
    [
        ("kyc", "pending", "confirmed", {"kycConfirmation": {"status": "rejected"}}),
        ("pep", "match", "falsepositive", {"pepCheckStatus": {"status": "clear"}}),
    ],
)
def test_kyc_and_pep_approvals_are_checked_against_the_gateway_too(
    clients: dict[str, Client],
    gateway: responses.RequestsMock,
    action: str,
    before: str,
    after: str,
    customer: dict[str, Any],
) -> None:
    change = pending_request(action, before, after)
    customer_holds(gateway, **customer)
    response = clients["alice"].post(f"/approvals/{change.pk}/approve/", APPROVE)
    assert response.status_code == 409
    assert [call.request.method for call in gateway.calls] == ["GET", "GET", "GET"]
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.STALE


def test_the_decision_screen_warns_before_anyone_tries_a_stale_approval(
    clients: dict[str, Client], gateway: responses.RequestsMock
) -> None:
    change = pending_request("status", "new", "verified")
    customer_holds(gateway, customerStatus="blacklisted")
    page = html(clients["alice"].get(f"/approvals/{change.pk}/"))
    assert "The customer changed after this request was made." in page
    assert "Status is now Blacklisted; the request was New → Verified." in page
    assert 'data-testid="approve-form"' not in page
    assert 'data-testid="reject-form"' in page
    change.refresh_from_db()
    assert change.is_pending  # looking changes nothing


def test_a_failed_read_before_approving_sends_nothing_and_leaves_the_request_waiting(
    clients: dict[str, Client], gateway: responses.RequestsMock
) -> None:
    change = pending_blacklisting()
    gateway.get(DETAIL, status=503, json={"status": 503, "message": "maintenance"})
    response = clients["alice"].post(f"/approvals/{change.pk}/approve/", APPROVE)
    assert response.status_code == 302
    assert response["Location"] == f"/approvals/{change.pk}/"
    assert {call.request.method for call in gateway.calls} == {"GET"}
    change.refresh_from_db()
    assert change.is_pending
    assert not AuditRecord.objects.exists()


def test_a_second_pending_request_of_the_same_kind_is_refused(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    bob, erin = sign_in("bob"), sign_in("alice")
    register_profile(gateway, customer=current_customer(customerStatus="new"))
    seen = {"seen_status": "new"}
    first = post_action(bob, "bob", "status", {**seen, "status": "verified", "reason": "Docs ok"})
    assert first.status_code == 302
    second = post_action(
        erin, "alice", "status", {**seen, "status": "blacklisted", "reason": "Fraud ring"}
    )
    assert second.status_code == 409
    page = html(second)
    assert (
        "Change status (New → Verified, requested by Bob Compliance) already waits "
        "for a second officer for Ivan Petrov." in page
    )
    pending = ChangeRequest.objects.get()
    assert f'href="/approvals/{pending.pk}/"' in page  # the pending one, linked
    assert writes_sent(gateway) == []
    assert list(AuditRecord.objects.values_list("action", flat=True)) == ["approval.requested"]
    # A request of another kind for the same customer is not blocked.
    kyc = post_action(bob, "bob", "kyc", {**seen, "kyc": "confirmed", "comment": "Docs ok"})
    assert kyc.status_code == 302
    assert ChangeRequest.objects.filter(status="pending").count() == 2


def test_the_database_itself_holds_one_pending_request_per_customer_and_kind(db: None) -> None:
    StaffMember.objects.create(username="finhub-demo:bob", gateway_user_id="u-bob")
    pending_request("status", "new", "verified")
    pending_request("kyc", "pending", "confirmed")
    with pytest.raises(IntegrityError), transaction.atomic():
        pending_request("status", "new", "blacklisted")
    ChangeRequest.objects.filter(action="status").update(status=ChangeRequest.Status.REJECTED)
    pending_request("status", "new", "blacklisted")  # once the first is decided, a new one may wait


# ---- the decision screen ------------------------------------------------------------------


def test_the_decision_screen_shows_the_evidence_beside_the_change(
    clients: dict[str, Client], gateway: responses.RequestsMock
) -> None:
    change = pending_blacklisting()
    AuditRecord.objects.create(
        staff=StaffMember.objects.get(gateway_user_id="u-bob"),
        staff_user_id="u-bob",
        staff_name="Bob Compliance",
        action="customer.pep",
        target_type="customer",
        target_id=CUSTOMER_ID,
        summary={"customer": "Ivan Petrov", "reason": "World-Check hit on a namesake"},
        outcome="ok",
    )
    customer_holds(
        gateway,
        kycConfirmation={"status": "confirmed", "comment": "ID checked"},
        pepCheckStatus={"status": "match", "comment": "Minister's cousin"},
    )
    response = clients["alice"].get(f"/approvals/{change.pk}/")
    assert response.status_code == 200
    page = html(response)
    change_rows = page.split('data-testid="change-rows"')[1].split("</table>")[0]
    assert "<td>Verified</td><td><strong>Blacklisted</strong></td><td>Verified</td>" in change_rows
    now = page.split('data-testid="customer-now"')[1].split("</dl>")[0]
    assert "Verified</span>" in now
    assert "Confirmed</span> ID checked" in now
    assert "Match</span> Minister&#x27;s cousin" in now
    assert "passport-scan.pdf" in page
    audit = page.split('data-testid="recent-audit"')[1].split("</table>")[0]
    assert "World-Check hit on a namesake" in audit
    assert "Customer PEP check" in audit
    assert "Sanctions hit" in page
    assert 'type="checkbox" name="confirm"' in page
    assert 'name="note"' in page


def test_approving_needs_the_confirmation_ticked(
    clients: dict[str, Client], gateway: responses.RequestsMock
) -> None:
    change = pending_blacklisting()
    customer_holds(gateway)
    gateway.post(STATUS_URL, json={})
    response = clients["alice"].post(f"/approvals/{change.pk}/approve/", {})
    assert response.status_code == 400
    assert "Tick the box to confirm you checked the evidence." in html(response)
    assert writes_sent(gateway) == []
    change.refresh_from_db()
    assert change.is_pending


def test_rejecting_needs_a_reason(
    clients: dict[str, Client], gateway: responses.RequestsMock
) -> None:
    change = pending_blacklisting()
    customer_holds(gateway)
    response = clients["alice"].post(f"/approvals/{change.pk}/reject/", {"note": "   "})
    assert response.status_code == 400
    page = html(response)
    errors = page.split('id="id_note"', 1)[1].split("</div>", 1)[0]
    assert "Say why: a rejection needs a reason." in errors
    change.refresh_from_db()
    assert change.is_pending
    assert not AuditRecord.objects.exists()


# ---- the top bar's count ------------------------------------------------------------------


def test_the_top_bar_counts_what_waits_for_this_officer_in_one_query(
    clients: dict[str, Client],
) -> None:
    pending_request("status", "new", "verified")
    pending_request("kyc", "pending", "confirmed", maker="u-alice")
    with CaptureQueriesContext(connection) as queries:
        page = html(clients["alice"].get("/preferences/"))
    counts = [q["sql"] for q in queries.captured_queries if "customers_changerequest" in q["sql"]]
    assert len(counts) == 1
    assert "COUNT(" in counts[0]
    assert re.search(r'data-testid="pending-count"[^>]*>1<', page)  # alice's own is not hers
    assert 'data-testid="pending-count"' in html(clients["bob"].get("/preferences/"))


def test_the_top_bar_count_is_not_asked_for_people_who_cannot_decide(
    clients: dict[str, Client],
) -> None:
    pending_request("status", "new", "verified")
    with CaptureQueriesContext(connection) as queries:
        page = html(clients["carol"].get("/preferences/"))
    assert 'data-testid="pending-count"' not in page
    assert not [q for q in queries.captured_queries if "customers_changerequest" in q["sql"]]


def test_an_approval_whose_answer_is_lost_is_read_back_not_marked_failed(
    clients: dict[str, Client], gateway: responses.RequestsMock
) -> None:
    change = pending_blacklisting()
    gateway.get(DETAIL, json=customer_json(customerStatus="verified"))  # the checker's re-read
    gateway.get(DETAIL, json=customer_json(customerStatus="blacklisted"))  # the read-back
    gateway.get(DOCUMENTS, json=documents_json())
    gateway.post(STATUS_URL, body=requests.exceptions.ReadTimeout("answer lost"))

    response = clients["alice"].post(f"/approvals/{change.pk}/approve/", APPROVE, follow=True)

    assert response.status_code == 200
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.APPROVED
    assert writes_sent(gateway) == [call for call in gateway.calls if call.request.method == "POST"]
    assert len(writes_sent(gateway)) == 1  # never sent twice
    assert "Approved: Change status for Ivan Petrov applied." in html(response)
    outcomes = list(AuditRecord.objects.order_by("id").values_list("action", "outcome"))
    assert outcomes[:2] == [("approval.approved", "ok"), ("customer.status", "outcome_unknown")]
