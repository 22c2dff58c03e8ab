"""Audit summaries and outcomes read as labels: never raw enum spellings or class names."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from backoffice.audit_labels import outcome_label, summary_text
from tests.backoffice.test_audit_pages import audit_record, html


def test_a_status_change_reads_with_the_status_labels() -> None:
    summary = {
        "customer": "Isla Wilson",
        "before": {"status": "under_verificaiton"},
        "after": {"status": "under_investigation"},
        "reason": "Odd transfers",
    }
    text = summary_text(summary)
    assert text == (
        "Isla Wilson · Status: Under verification → Under investigation · “Odd transfers”"
    )
    assert "under_investigation" not in text


def test_kyc_and_pep_read_with_their_labels() -> None:
    assert summary_text({"after": {"kyc": "confirmed"}}) == "KYC: Confirmed"
    assert summary_text({"before": {"pep": "match"}, "after": {"pep": "falsepositive"}}) == (
        "PEP: Match → False positive"
    )


def test_a_notification_switch_reads_with_its_type_and_on_or_off() -> None:
    summary = {
        "before": {"notify_0": False},
        "after": {"notify_0": True},
        "body": {
            "notifications": [
                {"notificationType": "Marketingemails", "isEnabled": True},
                {"notificationType": "SMS", "isEnabled": False},
            ]
        },
    }
    assert summary_text(summary) == "Marketing e-mails: off → on"
    assert summary_text({**summary, "before": {}}) == "Marketing e-mails: on"


def test_an_unregistered_value_is_shown_as_recorded() -> None:
    assert summary_text({"after": {"status": "frozen"}}) == "Status: frozen"


@pytest.mark.parametrize(
    ("outcome", "action", "label"),
    [
        ("ok", "customer.status", "Applied"),
        ("ok", "approval.approved", "Approved"),
        ("pending", "approval.requested", "Held for approval"),
        ("GatewayUnavailable", "customer.status", "Failed: the gateway was unavailable"),
        (
            "GatewayTimeout",
            "customer.status",
            "Outcome unknown — the gateway did not answer in time",
        ),
        ("outcome_unknown", "customer.kyc", "Outcome unknown — being checked"),
        ("reconciled: applied", "customer.kyc", "Checked: applied"),
        ("NoSuchError", "customer.kyc", "Failed"),
    ],
)
def test_outcomes_read_as_phrases(outcome: str, action: str, label: str) -> None:
    assert outcome_label(outcome, action) == label


def test_the_audit_list_shows_labels_and_links_the_customer_timeline(
    sign_in: Callable[..., Client],
) -> None:
    audit_record(
        summary={
            "customer": "Customer Number42",
            "before": {"status": "new"},
            "after": {"status": "under_investigation"},
            "reason": "Odd transfers",
        },
        outcome="GatewayTimeout",
    )
    page = html(sign_in("bob").get("/audit/"))
    assert "Status: New → Under investigation" in page
    assert "Outcome unknown — the gateway did not answer in time" in page
    assert "under_investigation" not in page
    assert ">GatewayTimeout<" not in page
    assert '<a class="small" href="/customers/c-00042/timeline/"' in page
