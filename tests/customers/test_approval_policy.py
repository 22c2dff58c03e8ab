"""Four-eyes policy as transitions: entering a sensitive value, or leaving one, needs a checker."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import responses
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from backoffice.models import AuditRecord
from customers.approval_policy import approval_policy
from customers.models import ChangeRequest
from customers.writes import CustomerWrite
from tests.customers.test_customer_actions import (
    current_customer,
    post_action,
    register_profile,
    writes_sent,
)


def write(action: str, before: str, after: str) -> CustomerWrite:
    return CustomerWrite(
        action=action,
        customer_id="c-00042",
        customer_name="Ivan Petrov",
        body={},
        before={action: before},
        after={action: after},
    )


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("status", "new", "verified"),
        ("status", "new", "blacklisted"),
        ("status", "on_hold", "bancrupted"),
        ("status", "verified", "verified"),  # re-verifying is still a verification
        ("status", "blacklisted", "new"),
        ("status", "blacklisted", "on_hold"),
        ("status", "bancrupted", "under_verificaiton"),
        ("kyc", "pending", "confirmed"),
        ("kyc", "pending", "rejected"),
        ("kyc", "rejected", "pending"),
        ("pep", "match", "falsepositive"),
        ("pep", "match", "clear"),
    ],
)
def test_the_default_policy_holds_these_transitions(action: str, before: str, after: str) -> None:
    assert approval_policy().requires_approval(write(action, before, after))


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("status", "new", "on_hold"),
        ("status", "verified", "dispute"),
        ("status", "under_investigation", "under_verificaiton"),
        ("kyc", "confirmed", "pending"),
        ("pep", "notchecked", "match"),
        ("pep", "clear", "falsepositive"),
        ("pep", "match", "match"),
        ("revision", "", ""),
    ],
)
def test_the_default_policy_lets_these_through(action: str, before: str, after: str) -> None:
    assert not approval_policy().requires_approval(write(action, before, after))


def test_the_leaving_rules_come_from_settings(settings: Any) -> None:
    settings.FOUR_EYES_STATUSES_LEAVING = ["dispute"]
    settings.FOUR_EYES_KYC_LEAVING = []
    settings.FOUR_EYES_PEP = ["match"]
    policy = approval_policy()
    assert policy.requires_approval(write("status", "dispute", "new"))
    assert not policy.requires_approval(write("status", "blacklisted", "new"))
    assert not policy.requires_approval(write("kyc", "rejected", "pending"))
    assert policy.requires_approval(write("pep", "notchecked", "match"))


def test_a_misspelt_value_in_the_settings_is_refused_not_ignored(
    settings: Any,
) -> None:
    settings.FOUR_EYES_STATUSES_LEAVING = ["blacklisted", "bankrupt"]
    with pytest.raises(ImproperlyConfigured, match="bankrupt"):
        approval_policy()


def test_the_policy_reads_as_a_sentence_for_the_customer_page() -> None:
    assert approval_policy().summary() == (
        "Status to Verified, Blacklisted or Bankrupt, or away from Blacklisted or Bankrupt; "
        "KYC to Confirmed or Rejected, or away from Rejected; PEP away from Match"
    )


# ---- finding 2 of issue 7: one officer alone moved a customer out of a blacklisting ----------


@pytest.mark.parametrize(
    ("action", "customer", "data"),
    [
        (
            "status",
            {"customerStatus": "blacklisted"},
            {"status": "new", "reason": "Cleared by phone", "seen_status": "blacklisted"},
        ),
        (
            "status",
            {"customerStatus": "bancrupted"},
            {"status": "on_hold", "reason": "Insolvency lifted", "seen_status": "bancrupted"},
        ),
        (
            "kyc",
            {"kycConfirmation": {"status": "rejected"}},
            {"kyc": "pending", "comment": "Try again", "seen_kyc": "rejected"},
        ),
    ],
)
def test_leaving_a_blacklisting_a_bankruptcy_or_a_kyc_rejection_waits_for_a_second_officer(
    sign_in: Callable[..., Client],
    gateway: responses.RequestsMock,
    action: str,
    customer: dict[str, object],
    data: dict[str, str],
) -> None:
    bob = sign_in("bob")
    register_profile(gateway, customer=current_customer(**customer))
    response = post_action(bob, "bob", action, data)
    assert response.status_code == 302
    assert writes_sent(gateway) == []
    change = ChangeRequest.objects.get()
    assert (change.action, change.status) == (action, ChangeRequest.Status.PENDING)
    assert AuditRecord.objects.get().action == "approval.requested"


def test_the_app_refuses_to_start_with_a_misspelt_four_eyes_value() -> None:
    environment = {**os.environ, "FOUR_EYES_KYC_LEAVING": "rejected,rejectd"}
    started = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    assert "FOUR_EYES_KYC_LEAVING holds rejectd, which the gateway does not know" in started.stderr
