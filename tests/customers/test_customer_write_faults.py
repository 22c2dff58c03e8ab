"""Customer writes under faults: bound tokens, truthful second submits, outcome unknown, and
typed input kept when the reads around a write fail (issue 7, findings 4, 5, 6, 9)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
import responses
from django.test import Client

from backoffice.form_tokens import issue_form_token
from backoffice.models import AuditRecord, StaffMember
from customers.writes import form_scope
from tests.customers.test_customer_actions import SEEN, current_customer, writes_sent
from tests.customers.test_customer_detail_view import CUSTOMER_ID, DETAIL, html, register_profile

STATUS_URL = f"{DETAIL.replace(CUSTOMER_ID, 'update/' + CUSTOMER_ID)}/status/on_hold"
STATUS_FORM = {"status": "on_hold", "reason": "Awaiting proof of address"}


@pytest.fixture
def bob(sign_in: Callable[..., Client]) -> Client:
    return sign_in("bob")


def token(action: str = "status", customer_id: str = CUSTOMER_ID, username: str = "bob") -> str:
    member = StaffMember.objects.get(gateway_user_id=f"u-{username}")
    return issue_form_token(member, form_scope(action, customer_id))


def post_status(client: Client, form_token: str, customer_id: str = CUSTOMER_ID) -> Any:
    return client.post(
        f"/customers/{customer_id}/actions/status/",
        {**SEEN, **STATUS_FORM, "form_token": form_token},
    )


def audit_outcomes() -> list[str]:
    return list(AuditRecord.objects.order_by("id").values_list("outcome", flat=True))


def test_a_status_change_keeps_the_reason_when_the_customer_cannot_be_read(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, body=requests.exceptions.ConnectionError("refused"))
    response = post_status(bob, token())
    page = html(response)
    assert response.status_code == 502
    assert "Awaiting proof of address</textarea>" in page
    assert f"Request id {response['X-Request-ID']}" in page
    assert writes_sent(gateway) == []


def test_a_token_from_another_customers_form_is_refused(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway, customer=current_customer())
    response = post_status(bob, token(customer_id="c-00043"))
    assert response.status_code == 409
    assert "does not belong to this page" in html(response)
    assert "Awaiting proof of address</textarea>" in html(response)
    assert writes_sent(gateway) == []


def test_a_kyc_form_token_is_refused_on_the_status_action(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway, customer=current_customer())
    response = post_status(bob, token(action="kyc"))
    assert response.status_code == 409
    assert writes_sent(gateway) == []


def test_after_a_failed_send_the_same_form_may_be_sent_again(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway, customer=current_customer())
    gateway.post(STATUS_URL, status=503, json={"message": "maintenance"})
    form_token = token()
    first = post_status(bob, form_token)
    assert first.status_code == 502
    assert "Nothing was saved." in html(first)
    assert f'value="{form_token}"' in html(first)
    gateway.replace(responses.POST, STATUS_URL, json={"customer": current_customer()})
    second = post_status(bob, form_token)
    assert second.status_code == 302
    assert len(writes_sent(gateway)) == 2
    assert audit_outcomes() == ["GatewayUnavailable", "ok"]


def test_a_timeout_is_reported_as_unknown_and_a_resubmit_waits_for_the_read_back(
    bob: Client, gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.GATEWAY_WRITE_SETTLE_SECONDS = 60
    register_profile(gateway, customer=current_customer())
    gateway.post(STATUS_URL, body=requests.exceptions.ReadTimeout())
    form_token = token()
    first = post_status(bob, form_token)
    page = html(first)
    assert first.status_code == 202
    assert "We don&#x27;t know yet whether it was saved" in page
    assert "failed" not in page.lower().split("<main", 1)[1]
    assert "Awaiting proof of address</textarea>" in page
    second = post_status(bob, form_token)
    assert second.status_code == 409
    assert "we are checking" in html(second)
    assert len(writes_sent(gateway)) == 1
    assert audit_outcomes() == ["outcome_unknown"]
    # The write landed late: the next view of the page reads it back and records it.
    gateway.replace(responses.GET, DETAIL, json=current_customer(customerStatus="on_hold"))
    assert bob.get(f"/customers/{CUSTOMER_ID}/").status_code == 200
    assert audit_outcomes() == ["outcome_unknown", "reconciled: applied"]
    third = post_status(bob, form_token)
    assert third.status_code == 409
    assert "Already saved; nothing was sent again." in html(third)
    assert len(writes_sent(gateway)) == 1


def test_a_dropped_connection_on_a_write_is_audited_and_read_back(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway, customer=current_customer())
    gateway.post(STATUS_URL, body=requests.exceptions.ChunkedEncodingError("dropped"))
    # The gateway applied it before the connection broke: the read-back finds it.
    gateway.get(DETAIL, json=current_customer(customerStatus="on_hold"))
    response = post_status(bob, token())
    assert response.status_code == 302
    assert audit_outcomes() == ["outcome_unknown", "reconciled: applied"]
    unknown = AuditRecord.objects.get(outcome="outcome_unknown")
    assert unknown.summary["error"] == "GatewayConnectionLost"
    assert unknown.action == "customer.status"
    followed = bob.get(response["Location"])
    assert "reading the customer back confirmed it" in html(followed)
