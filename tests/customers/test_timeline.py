"""The customer's case timeline: the builder (no database, no gateway) and its pages."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
import responses
from django.test import Client

from customers.records import Revision
from customers.timeline import build_timeline
from tests.backoffice.test_audit_pages import audit_record, staff_member
from tests.customers.test_customer_detail_view import (
    CUSTOMER_ID,
    DETAIL,
    STAFF,
    STAFF_USERS,
    customer_json,
)

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
_ids = itertools.count(1)


def record(action: str, minutes: int, **values: Any) -> SimpleNamespace:
    defaults: dict[str, Any] = {
        "pk": next(_ids),
        "at": START + timedelta(minutes=minutes),
        "staff_name": "Bob Compliance",
        "action": action,
        "target_type": "customer",
        "target_id": CUSTOMER_ID,
        "summary": {},
        "outcome": "ok",
    }
    return SimpleNamespace(**{**defaults, **values})


REQUEST = {
    "change_request": 3,
    "customer": "Isla Wilson",
    "before": {"status": "new"},
    "after": {"status": "blacklisted"},
    "reason": "Sanctions list hit",
}


def test_entries_come_newest_first_with_who_when_reason_and_approver() -> None:
    requested = record("approval.requested", 0, summary=REQUEST, outcome="pending")
    approved = record(
        "approval.approved",
        5,
        staff_name="Erin Compliance",
        summary={**REQUEST, "maker": "Bob Compliance"},
    )
    applied = record("customer.status", 5, staff_name="Erin Compliance", summary=REQUEST)
    entries = build_timeline([requested, approved, applied], [])
    assert [e.title for e in entries] == ["Status changed", "Approved", "Approval requested"]
    decision = entries[1]
    assert (decision.requested_by, decision.decided_by) == ("Bob Compliance", "Erin Compliance")
    assert decision.changes == ("Status: New → Blacklisted",)
    assert decision.reason == "Sanctions list hit"
    assert decision.at == START + timedelta(minutes=5)
    assert entries[2].by == "Bob Compliance"
    assert entries[2].outcome == "Held for approval"
    assert entries[0].outcome == "Applied"


def test_each_decision_kind_reads_as_a_phrase() -> None:
    entries = build_timeline(
        [
            record(
                "approval.rejected",
                1,
                summary={**REQUEST, "note": "No evidence"},
                outcome="rejected",
            ),
            record("approval.withdrawn", 2, summary=REQUEST, outcome="withdrawn"),
            record(
                "approval.stale",
                3,
                summary={**REQUEST, "now": {"status": "verified"}},
                outcome="stale",
            ),
        ],
        [],
    )
    by_title = {e.title: e for e in entries}
    assert by_title["Rejected"].note == "No evidence"
    assert by_title["Request withdrawn"].outcome == "Withdrawn"
    assert by_title["Request closed as stale"].note == "The customer now holds Status: Verified"


def test_gateway_revisions_join_in_time_order_with_staff_names() -> None:
    revision = Revision(
        number=2,
        comment="Moved house",
        changes={"person.placeOfBirth": "Plovdiv"},
        by="u-erin",
        at=START + timedelta(minutes=2),
    )
    undated = Revision(number=1, comment="Imported", changes={})
    entries = build_timeline(
        [
            record(
                "customer.kyc",
                1,
                summary={"before": {"kyc": "pending"}, "after": {"kyc": "confirmed"}},
            )
        ],
        [undated, revision],
        {"u-erin": "Erin Compliance"},
    )
    assert [e.title for e in entries] == ["Revision #2", "KYC confirmation", "Revision #1"]
    assert entries[0].by == "Erin Compliance"
    assert entries[0].changes == ("person.placeOfBirth: Plovdiv",)
    assert entries[1].changes == ("KYC: Pending → Confirmed",)


def test_a_revision_the_app_recorded_is_shown_once_from_the_gateway() -> None:
    revision = Revision(
        number=4, comment="Typo  fixed", changes={"email": "a@b.c"}, by="u-bob", at=START
    )
    audited = record(
        "customer.revision",
        0,
        summary={"reason": "Typo fixed", "after": {"changes": {"email": "a@b.c"}}},
    )
    failed = record(
        "customer.revision", 1, summary={"reason": "Other"}, outcome="GatewayUnavailable"
    )
    entries = build_timeline([audited, failed], [revision])
    assert [e.title for e in entries] == ["Revision recorded", "Revision #4"]
    assert entries[0].outcome == "Failed: the gateway was unavailable"


def test_tickets_opened_and_closed_link_the_ticket() -> None:
    opened = record(
        "ticket.create",
        0,
        target_type="ticket",
        target_id="t-00009",
        summary={"customer": CUSTOMER_ID, "body": {"title": "Card blocked"}},
    )
    closed = record(
        "ticket.close",
        9,
        target_type="ticket",
        target_id="t-00009",
        summary={"body": {"reason": "Card reissued"}},
    )
    entries = build_timeline([opened, closed], [])
    assert [(e.title, e.ticket_id) for e in entries] == [
        ("Ticket closed", "t-00009"),
        ("Ticket opened", "t-00009"),
    ]
    assert entries[0].reason == "Card reissued"
    assert entries[1].changes == ("Card blocked",)


# --- the pages ---------------------------------------------------------------------------

HTMX = {"HX-Request": "true"}


@pytest.fixture
def gateway_customer(gateway: responses.RequestsMock) -> responses.RequestsMock:
    gateway.get(DETAIL, json=customer_json())
    gateway.get(STAFF_USERS, json=STAFF)
    return gateway


def test_the_fragment_and_the_full_page(
    sign_in: Callable[..., Client], gateway_customer: responses.RequestsMock
) -> None:
    audit_record(
        action="approval.requested",
        outcome="pending",
        summary={**REQUEST, "reason": "<script>alert(1)</script>"},
    )
    bob = sign_in("bob")
    fragment = bob.get(f"/customers/{CUSTOMER_ID}/timeline/", headers=HTMX)
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert body.startswith('<div id="customer-timeline"')
    assert "<html" not in body
    assert "Approval requested" in body and "Status: New → Blacklisted" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body
    page = bob.get(f"/customers/{CUSTOMER_ID}/timeline/").content.decode()
    assert "<html" in page and "Timeline of" in page and 'id="customer-timeline"' in page
    assert fragment["Vary"] and "HX-Request" in fragment["Vary"]


def test_the_customer_page_lazy_loads_it_for_compliance_only(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    from tests.customers.test_customer_detail_view import DOCUMENTS, SEPA

    gateway.get(DETAIL, json=customer_json())
    gateway.get(DOCUMENTS, json={"documents": []})
    gateway.get(SEPA, json={"sepaId": "S1"})
    gateway.get(STAFF_USERS, json=STAFF)
    timeline_url = f'hx-get="/customers/{CUSTOMER_ID}/timeline/"'
    assert timeline_url in sign_in("bob").get(f"/customers/{CUSTOMER_ID}/").content.decode()
    agent_page = sign_in("carol").get(f"/customers/{CUSTOMER_ID}/").content.decode()
    assert "Loading tickets" in agent_page
    assert timeline_url not in agent_page


def test_a_support_agent_may_not_read_the_timeline(
    sign_in: Callable[..., Client], gateway_customer: responses.RequestsMock
) -> None:
    audit_record(
        action="approval.rejected",
        outcome="rejected",
        summary={**REQUEST, "note": "compliance-only note"},
    )
    response = sign_in("carol").get(f"/customers/{CUSTOMER_ID}/timeline/", headers=HTMX)
    assert response.status_code == 403
    assert b"compliance-only note" not in response.content
    assert len(gateway_customer.calls) == 0


def test_with_the_gateway_down_the_audit_entries_still_show(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, status=503, json={"message": "down"})
    gateway.get(STAFF_USERS, json=STAFF)
    audit_record(staff=staff_member("u-erin", "Erin Compliance"))
    page = sign_in("bob").get(f"/customers/{CUSTOMER_ID}/timeline/").content.decode()
    assert "revisions could not be read" in page
    assert "Status changed" in page and "Erin Compliance" in page


def test_only_this_customers_records_and_its_app_opened_tickets(
    sign_in: Callable[..., Client], gateway_customer: responses.RequestsMock
) -> None:
    audit_record(target_id="c-00099", summary={"after": {"status": "dispute"}})
    audit_record(
        action="ticket.create",
        target_type="ticket",
        target_id="t-00005",
        summary={"customer": CUSTOMER_ID, "body": {"title": "Mine"}},
    )
    audit_record(
        action="ticket.close",
        target_type="ticket",
        target_id="t-00005",
        summary={"body": {"reason": "done"}},
    )
    audit_record(
        action="ticket.close",
        target_type="ticket",
        target_id="t-00006",
        summary={"body": {"reason": "someone else's"}},
    )
    page = sign_in("bob").get(f"/customers/{CUSTOMER_ID}/timeline/", headers=HTMX)
    body = page.content.decode()
    assert "Dispute" not in body and "someone else" not in body
    assert body.count('href="/tickets/t-00005/"') == 2
