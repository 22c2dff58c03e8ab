"""Actions on the customer page: what each sends, four-eyes, audit, and nothing lost or doubled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import responses
from django.test import Client
from responses import matchers

from backoffice.form_tokens import issue_form_token
from backoffice.models import AuditRecord, StaffMember
from customers.models import ChangeRequest
from customers.writes import form_scope
from tests.conftest import TENANT
from tests.customers.test_customer_detail_view import (
    CUSTOMER_ID,
    CUSTOMERS,
    DETAIL,
    customer_json,
    html,
    register_profile,
)

SEEN = {
    "seen_status": "under_verificaiton",
    "seen_kyc": "pending",
    "seen_pep": "notchecked",
    "seen_revisions": "0",
}


def current_customer(**overrides: Any) -> dict[str, Any]:
    customer = customer_json(
        kycConfirmation={"status": "pending"}, pepCheckStatus={"status": "notchecked"}, revisions=[]
    )
    customer.update(overrides)
    return customer


def post_action(
    client: Client, username: str, action: str, data: dict[str, str], *, token: str | None = None
) -> Any:
    member = StaffMember.objects.get(gateway_user_id=f"u-{username}")
    scope = form_scope(action, CUSTOMER_ID)
    form = {**SEEN, "form_token": token or issue_form_token(member, scope), **data}
    return client.post(f"/customers/{CUSTOMER_ID}/actions/{action}/", form)


def writes_sent(gateway: responses.RequestsMock) -> list[Any]:
    return [call for call in gateway.calls if call.request.method in ("POST", "PUT")]


@pytest.fixture
def bob(sign_in: Callable[..., Client]) -> Client:
    return sign_in("bob")


def test_a_status_change_sends_the_customer_with_the_new_status(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway, customer=current_customer())
    gateway.post(
        f"{CUSTOMERS}/update/{CUSTOMER_ID}/status/on_hold",
        json={"customer": current_customer(customerStatus="on_hold")},
        match=[
            matchers.header_matcher(
                {"Authorization": "Bearer access-u-bob-secret", "tenantId": TENANT}
            ),
            matchers.json_params_matcher(
                {
                    "id": CUSTOMER_ID,
                    "customerType": "Person",
                    "customerName": "Ivan Petrov",
                    "customerStatus": "on_hold",
                }
            ),
        ],
    )
    response = post_action(bob, "bob", "status", {"status": "on_hold", "reason": "Awaiting docs"})
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{CUSTOMER_ID}/"
    record = AuditRecord.objects.get()
    assert (record.action, record.target_id, record.outcome) == (
        "customer.status",
        CUSTOMER_ID,
        "ok",
    )
    assert record.staff_name == "Bob Compliance"
    assert record.summary["reason"] == "Awaiting docs"
    assert record.summary["before"] == {"status": "under_verificaiton"}
    assert record.request_id == response["X-Request-ID"]


def test_a_status_change_needs_a_reason(bob: Client, gateway: responses.RequestsMock) -> None:
    register_profile(gateway, customer=current_customer())
    response = post_action(bob, "bob", "status", {"status": "on_hold", "reason": ""})
    assert response.status_code == 400
    assert "This field is required." in html(response)
    assert writes_sent(gateway) == []


@pytest.mark.parametrize(
    ("action", "data", "path", "body"),
    [
        (
            "kyc",
            {"kyc": "pending", "comment": "Waiting for selfie"},
            "/kycConfirmation",
            {"kycConfirmation": "pending", "comment": "Waiting for selfie"},
        ),
        (
            "pep",
            {"pep": "clear", "comment": "No hits in World-Check"},
            "/pepCheckStatus",
            {"pepCheckStatus": "clear", "comment": "No hits in World-Check"},
        ),
        (
            "revision",
            {
                "comment": "Corrected email",
                "changes": "person.email: ivan@new.bg\ncategorization: category3",
            },
            "/revisions",
            {
                "comment": "Corrected email",
                "changes": {"person.email": "ivan@new.bg", "categorization": "category3"},
            },
        ),
    ],
)
def test_each_action_sends_exactly_its_body(
    bob: Client,
    gateway: responses.RequestsMock,
    action: str,
    data: dict[str, str],
    path: str,
    body: dict[str, Any],
) -> None:
    register_profile(gateway, customer=current_customer())
    gateway.post(DETAIL + path, json=current_customer(), match=[matchers.json_params_matcher(body)])
    response = post_action(bob, "bob", action, data)
    assert response.status_code == 302
    assert len(writes_sent(gateway)) == 1
    assert AuditRecord.objects.get().action == f"customer.{action}"


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("status", {"status": "blacklisted", "reason": "Sanctions hit"}),
        ("status", {"status": "verified", "reason": "All documents checked"}),
        ("status", {"status": "bancrupted", "reason": "Court notice"}),
        ("kyc", {"kyc": "confirmed", "comment": "Documents match"}),
        ("kyc", {"kyc": "rejected", "comment": "Forged passport"}),
    ],
)
def test_sensitive_changes_wait_for_a_second_officer_and_send_nothing(
    bob: Client, gateway: responses.RequestsMock, action: str, data: dict[str, str]
) -> None:
    register_profile(gateway, customer=current_customer())
    response = post_action(bob, "bob", action, data)
    assert response.status_code == 302
    assert writes_sent(gateway) == []
    change = ChangeRequest.objects.get()
    assert change.status == ChangeRequest.Status.PENDING
    assert change.maker.gateway_user_id == "u-bob"
    assert AuditRecord.objects.get().action == "approval.requested"
    page = html(bob.get(f"/customers/{CUSTOMER_ID}/"))
    assert "Pending approval" in page


def test_leaving_a_pep_match_needs_approval_but_reaching_one_does_not(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway, customer=current_customer(pepCheckStatus={"status": "match"}))
    response = bob.post(
        f"/customers/{CUSTOMER_ID}/actions/pep/",
        {
            **SEEN,
            "seen_pep": "match",
            "pep": "falsepositive",
            "comment": "Namesake",
            "form_token": issue_form_token(
                StaffMember.objects.get(gateway_user_id="u-bob"), form_scope("pep", CUSTOMER_ID)
            ),
        },
    )
    assert response.status_code == 302
    assert writes_sent(gateway) == []
    assert ChangeRequest.objects.get().change_lines == [
        {"field": "pep", "before": "Match", "after": "False positive"}
    ]


def test_an_assignee_may_not_change_a_customer_and_nothing_is_sent(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    carol = sign_in("carol")
    response = post_action(carol, "carol", "status", {"status": "on_hold", "reason": "x"})
    assert response.status_code == 403
    assert "may read customers but not change them" in html(response)
    assert len(gateway.calls) == 0
    assert AuditRecord.objects.count() == 0


def test_an_assignee_is_not_offered_the_actions(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    carol = sign_in("carol")
    register_profile(gateway, customer=current_customer())
    page = html(carol.get(f"/customers/{CUSTOMER_ID}/"))
    assert "/actions/status/" not in page
    assert "Your role can read customers but not change them." in page


def test_gateway_field_errors_are_shown_next_to_the_field_with_input_kept(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway, customer=current_customer())
    gateway.post(
        DETAIL + "/pepCheckStatus",
        status=400,
        json={
            "status": 400,
            "error": "Bad Request",
            "message": "Validation failed",
            "errors": [{"field": "comment", "message": "must not contain URLs"}],
        },
    )
    response = post_action(bob, "bob", "pep", {"pep": "clear", "comment": "see http://x.example"})
    assert response.status_code == 400
    page = html(response)
    assert "Gateway: must not contain URLs" in page
    assert "see http://x.example</textarea>" in page
    assert AuditRecord.objects.get().outcome == "GatewayRejected"


def test_a_gateway_failure_keeps_the_input_and_is_not_retried(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway, customer=current_customer())
    gateway.post(
        f"{CUSTOMERS}/update/{CUSTOMER_ID}/status/dispute",
        status=503,
        json={"status": 503, "error": "Service Unavailable", "message": "maintenance"},
    )
    response = post_action(
        bob, "bob", "status", {"status": "dispute", "reason": "Chargeback opened by bank"}
    )
    assert response.status_code == 502
    page = html(response)
    assert "The gateway is unavailable" in page
    assert "Chargeback opened by bank</textarea>" in page
    assert f"Request id {response['X-Request-ID']}" in page
    assert len(writes_sent(gateway)) == 1
    record = AuditRecord.objects.get()
    assert (record.outcome, record.gateway_status) == ("GatewayUnavailable", 503)


def test_a_double_submit_reaches_the_gateway_once(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway, customer=current_customer())
    gateway.post(DETAIL + "/kycConfirmation", json=current_customer())
    token = issue_form_token(
        StaffMember.objects.get(gateway_user_id="u-bob"), form_scope("kyc", CUSTOMER_ID)
    )
    first = post_action(bob, "bob", "kyc", {"kyc": "pending", "comment": "a"}, token=token)
    second = post_action(bob, "bob", "kyc", {"kyc": "pending", "comment": "a"}, token=token)
    assert first.status_code == 302
    assert second.status_code == 409
    assert "Already saved; nothing was sent again." in html(second)
    assert len(writes_sent(gateway)) == 1


def test_a_token_issued_to_someone_else_is_refused(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    sign_in("alice")
    bob = sign_in("bob")
    register_profile(gateway, customer=current_customer())
    alices = issue_form_token(
        StaffMember.objects.get(gateway_user_id="u-alice"), form_scope("kyc", CUSTOMER_ID)
    )
    response = post_action(bob, "bob", "kyc", {"kyc": "pending"}, token=alices)
    assert response.status_code == 409
    assert writes_sent(gateway) == []


def test_a_stale_write_shows_what_changed_and_sends_nothing(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway, customer=current_customer(customerStatus="dispute"))
    response = post_action(bob, "bob", "status", {"status": "on_hold", "reason": "Hold it"})
    assert response.status_code == 409
    page = html(response)
    assert "This customer changed since you opened the page" in page
    assert "you saw Under verification, now Dispute" in page
    assert "Hold it</textarea>" in page
    assert writes_sent(gateway) == []
    # The re-shown form carries what the gateway has now, so sending it again goes through.
    assert 'name="seen_status" value="dispute"' in page


def test_action_posts_require_the_csrf_token(bob: Client, gateway: responses.RequestsMock) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = bob.cookies
    response = strict.post(f"/customers/{CUSTOMER_ID}/actions/status/", {"status": "on_hold"})
    assert response.status_code == 403
    assert len(gateway.calls) == 0
