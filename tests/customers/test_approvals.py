"""Four-eyes: a different officer approves (and the change is sent) or rejects (nothing is)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import responses
from django.test import Client
from responses import matchers

from backoffice.models import AuditRecord, StaffMember
from customers.models import ChangeRequest
from tests.customers.test_customer_detail_view import CUSTOMER_ID, CUSTOMERS, html

STATUS_URL = f"{CUSTOMERS}/update/{CUSTOMER_ID}/status/blacklisted"


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


def test_the_maker_is_not_offered_approve_on_the_list(
    clients: dict[str, Client], gateway: responses.RequestsMock
) -> None:
    pending_blacklisting()
    page = html(clients["bob"].get("/approvals/"))
    assert "Sanctions hit" in page
    assert "Approve and apply" not in page
    assert "Withdraw" in page
    assert "Verified → <strong>Blacklisted</strong>" in page


def test_a_second_officer_approves_and_the_change_is_sent_with_their_token(
    clients: dict[str, Client], gateway: responses.RequestsMock
) -> None:
    change = pending_blacklisting()
    gateway.post(
        STATUS_URL,
        json={"customer": {"id": CUSTOMER_ID, "customerStatus": "blacklisted"}},
        match=[
            matchers.header_matcher({"Authorization": "Bearer access-u-alice-secret"}),
            matchers.json_params_matcher({"id": CUSTOMER_ID, "customerStatus": "blacklisted"}),
        ],
    )
    response = clients["alice"].post(f"/approvals/{change.pk}/approve/")
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.APPROVED
    assert change.checker.gateway_user_id == "u-alice"
    actions = list(AuditRecord.objects.order_by("id").values_list("action", "staff_user_id"))
    assert actions == [("approval.approved", "u-alice"), ("customer.status", "u-alice")]
    assert len(gateway.calls) == 1


def test_approving_twice_sends_once(
    clients: dict[str, Client], gateway: responses.RequestsMock
) -> None:
    change = pending_blacklisting()
    gateway.post(STATUS_URL, json={"customer": {"id": CUSTOMER_ID}})
    clients["alice"].post(f"/approvals/{change.pk}/approve/")
    second = clients["alice"].post(f"/approvals/{change.pk}/approve/")
    assert second.status_code == 403
    assert "already been decided" in html(second)
    assert len(gateway.calls) == 1


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
    clients["alice"].post(f"/approvals/{change.pk}/reject/", {"note": "Wrong person"})
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
    gateway.post(STATUS_URL, status=500, json={"status": 500, "message": "database down"})
    response = clients["alice"].post(f"/approvals/{change.pk}/approve/", follow=True)
    assert "the gateway refused the change" in html(response)
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.FAILED
    assert "database down" in change.outcome
    assert len(gateway.calls) == 1
    assert (
        AuditRecord.objects.filter(action="customer.status").get().outcome == "GatewayUnavailable"
    )
