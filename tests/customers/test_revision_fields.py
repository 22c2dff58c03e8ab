"""A revision records profile fields only: status, KYC, PEP, secrets and ids are refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import responses
from django.test import Client
from responses import matchers

from backoffice.models import AuditRecord
from customers.revision_fields import refusal_for
from tests.customers.test_customer_actions import (
    DETAIL,
    current_customer,
    html,
    post_action,
    register_profile,
    writes_sent,
)


@pytest.fixture
def bob(sign_in: Callable[..., Client]) -> Client:
    return sign_in("bob")


@pytest.mark.parametrize(
    "key",
    [
        "customerName",
        "categorization",
        "person.email",
        "person.firstName.native",
        "person.telephoneNumbers[0].number",
        "person.addresses[1].address.city",
        "person.addresses[0].address.streetNumber[0]",
        "person.addresses[0].address.geoPosition.latitude",
        "person.documents[2].documentType",
        "notifications[0].isEnabled",
    ],
)
def test_profile_fields_may_be_recorded(key: str) -> None:
    assert refusal_for(key) is None


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("customerStatus", "use Change status"),
        ("CustomerStatus", "use Change status"),
        ("kycConfirmation", "use KYC confirmation"),
        ("kycConfirmation.status", "use KYC confirmation"),
        ("pepCheckStatus", "use PEP check"),
        ("person.pinCode", "secret"),
        ("pinCode", "secret"),
        ("person.password", "secret"),
        ("person.SecretQuestion[0].answer", "secret"),
        ("twofa.targetCode", "secret"),
        ("id", "set by the gateway"),
        ("organizationId", "set by the gateway"),
        ("person.groupId", "set by the gateway"),
        ("revisions", "set by the gateway"),
        ("updated", "set by the gateway"),
        ("person.documents[0].status", "not a field a revision may record"),
        ("twofa.targetValue", "not a field a revision may record"),
        ("person.email.extra", "not a field a revision may record"),
        ("person.addresses[x].address.city", "not a field a revision may record"),
    ],
)
def test_other_keys_are_refused_with_a_reason(key: str, says: str) -> None:
    refusal = refusal_for(key)
    assert refusal is not None
    assert says in refusal


# ---- finding 3 of issue 7: the revision form forwarded any key, secrets in clear -------------


def test_a_revision_carrying_status_kyc_or_a_pin_is_refused_next_to_the_field_and_not_sent(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway, customer=current_customer())
    gateway.post(DETAIL + "/revisions", json=current_customer())
    response = post_action(
        bob,
        "bob",
        "revision",
        {
            "comment": "Customer called in",
            "changes": "person.email: ivan@new.bg\n"
            "customerStatus: verified\n"
            "kycConfirmation: confirmed\n"
            "person.pinCode: 9911",
        },
    )
    assert response.status_code == 400
    assert writes_sent(gateway) == []
    assert not AuditRecord.objects.exists()
    page = html(response)
    errors = page.split('id="id_revision_changes"', 1)[1].split("</div>", 1)[0]
    assert "customerStatus: use Change status" in errors
    assert "kycConfirmation: use KYC confirmation" in errors
    assert "person.pinCode: a secret" in errors
    assert "9911" not in page  # the secret is not even shown back to the one who typed it
    assert "ivan@new.bg" in page  # the rest of what was typed is kept


def test_a_revision_of_profile_fields_is_still_sent(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway, customer=current_customer())
    gateway.post(
        DETAIL + "/revisions",
        json=current_customer(),
        match=[
            matchers.json_params_matcher(
                {
                    "comment": "Moved",
                    "changes": {"person.addresses[0].address.city": "Sofia"},
                }
            )
        ],
    )
    response = post_action(
        bob,
        "bob",
        "revision",
        {"comment": "Moved", "changes": "person.addresses[0].address.city: Sofia"},
    )
    assert response.status_code == 302
    assert len(writes_sent(gateway)) == 1
