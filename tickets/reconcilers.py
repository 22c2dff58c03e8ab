"""How to find each ticket and canned-reply write at the gateway after its answer was lost.

A reply or note is matched by author, text and time, and must not be one that was already
there before the send; ticket changes by the value the ticket now holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, Literal

from backoffice.gateway import paths
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.connection import gateway_client
from backoffice.write_reconciliation import ReconcileCase, reconciler

from . import canned_services, services
from .records import ThreadEntry, Ticket, parse_thread_entries

# Gateway and app clocks may differ a little; an entry stamped this much before the send may
# still be ours.
CLOCK_SKEW = timedelta(minutes=2)

TICKET_VALUE: dict[str, Callable[[Ticket, dict[str, Any]], bool]] = {
    "status": lambda t, want: t.status == want["status"],
    "escalate": lambda t, want: t.status == "ESCALATED" and t.escalated,
    "close": lambda t, want: t.status == "CLOSED",
    "complete": lambda t, want: t.status == "COMPLETED",
    "start_date": lambda t, want: (
        (t.start_date.isoformat() if t.start_date else "") == want["startDate"]
    ),
    "assign": lambda t, want: t.assignee_id == want["assigneeId"],
    "follow": lambda t, want: want["followerId"] in t.followers,
    "edit": lambda t, want: (
        (t.title, t.description, t.category, t.priority)
        == (want["title"], want["description"], want["category"], want["priority"])
    ),
}


def _recent(at: datetime | None, case: ReconcileCase) -> bool:
    return at is None or at >= case.sent_at - CLOCK_SKEW


def message_expectation(
    kind: str, text: str, author_id: str, entries: Iterable[ThreadEntry]
) -> dict[str, Any]:
    """A reply or note to look for, and the equal ones already in the thread before it."""
    known = [
        e.id for e in entries if e.kind == kind and e.author_id == author_id and e.text == text
    ]
    return {"text": text, "known_ids": known}


def _message_applied(
    kind: Literal["reply", "note"],
) -> Callable[[GatewayAuth, ReconcileCase], bool]:
    endpoint = paths.TICKET_REPLIES if kind == "reply" else paths.TICKET_NOTES

    def applied(auth: GatewayAuth, case: ReconcileCase) -> bool:
        answer = gateway_client().call(
            endpoint, auth=auth, path_params={"ticket_id": case.target_id}
        )
        want = case.expectation
        return any(
            entry.author_id == case.staff_user_id
            and entry.text == want["text"]
            and entry.id not in want["known_ids"]
            and _recent(entry.created_at, case)
            for entry in parse_thread_entries(answer, kind)
        )

    return applied


reconciler("ticket.reply")(_message_applied("reply"))
reconciler("ticket.note")(_message_applied("note"))


def _ticket_applied(action: str) -> Callable[[GatewayAuth, ReconcileCase], bool]:
    def applied(auth: GatewayAuth, case: ReconcileCase) -> bool:
        return TICKET_VALUE[action](services.ticket(auth, case.target_id), case.expectation)

    return applied


for _action in TICKET_VALUE:
    reconciler(f"ticket.{_action}")(_ticket_applied(_action))


@reconciler("ticket.create")
def ticket_created(auth: GatewayAuth, case: ReconcileCase) -> bool:
    want = case.expectation
    page = services.customer_tickets(auth, want["customerId"], page_size=50)
    return any(
        t.title == want["title"]
        and t.description == want["description"]
        and _recent(t.created_at, case)
        for t in page.tickets
    )


@reconciler("ticket.reply_title.create")
def title_created(auth: GatewayAuth, case: ReconcileCase) -> bool | None:
    want = case.expectation
    if want.get("known_ids") is None:
        return None
    return any(
        t.title == want["title"] and t.id not in want["known_ids"]
        for t in canned_services.reply_titles(auth)
    )


@reconciler("ticket.reply_title.status")
def title_status_set(auth: GatewayAuth, case: ReconcileCase) -> bool:
    return any(
        t.id == case.target_id and t.status == case.expectation["status"]
        for t in canned_services.reply_titles(auth)
    )


@reconciler("ticket.reply_message.create")
def message_created(auth: GatewayAuth, case: ReconcileCase) -> bool | None:
    want = case.expectation
    if want.get("known_ids") is None:
        return None
    return any(
        m.title_id == want["titleId"]
        and m.message == want["message"]
        and m.id not in want["known_ids"]
        for m in canned_services.reply_messages(auth)
    )


@reconciler("ticket.reply_message.update")
def message_updated(auth: GatewayAuth, case: ReconcileCase) -> bool:
    message = canned_services.reply_message(auth, case.target_id)
    want = case.expectation
    return all(
        (
            "message" not in want or message.message == want["message"],
            "titleId" not in want or message.title_id == want["titleId"],
        )
    )
