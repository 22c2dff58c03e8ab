"""The ticket queue's rows as display values, prepared once in Python: age and time since the
last activity measured against the SLA thresholds, and the page's sort.

The gateway's ticket lists carry `createdAt` and `updatedAt` but not who wrote last, and they
cannot sort (newest update first, always); reading each thread for the customer's last message
would be a gateway call per row. So the queue shows the time since the ticket last changed (any
reply, note or change), says so, and sorts the rows of the page it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from . import enums
from .records import Ticket

# Finished tickets wait for nobody: no SLA colour.
SLA_FREE_STATUSES = enums.FINISHED_STATUSES | {"RESOLVED"}

PRIORITY_ORDER = {value: rank for rank, value in enumerate(("LOW", "MEDIUM", "HIGH", "URGENT"))}
STATUS_ORDER = {value: rank for rank, value in enumerate(enums.STATUS_LABELS)}

# sort key in the URL → (column label, the value a row sorts by)
SORT_KEYS: dict[str, str] = {
    "title": "Ticket",
    "status": "Status",
    "priority": "Priority",
    "age": "Age",
    "activity": "Last activity",
}


@dataclass(frozen=True)
class SlaClock:
    """One elapsed time against the thresholds: `level` is ok, warn, breach or none."""

    text: str
    level: str
    cue: str
    hours: float


@dataclass(frozen=True)
class QueueRow:
    ticket: Ticket
    assignee: str
    customer: Any
    age: SlaClock
    activity: SlaClock


def elapsed_text(seconds: float) -> str:
    """Compact: "45 min", "5 h", "3 d"."""
    if seconds < 3600:
        return f"{max(0, int(seconds // 60))} min"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


def sla_clock(since: datetime | None, now: datetime, *, applies: bool) -> SlaClock:
    if since is None:
        return SlaClock("—", "none", "", 0.0)
    seconds = (now - since).total_seconds()
    hours = seconds / 3600
    text = elapsed_text(seconds)
    if not applies:
        return SlaClock(text, "none", "", hours)
    if hours >= settings.TICKET_SLA_BREACH_HOURS:
        return SlaClock(text, "breach", "over SLA", hours)
    if hours >= settings.TICKET_SLA_WARN_HOURS:
        return SlaClock(text, "warn", "SLA soon", hours)
    return SlaClock(text, "ok", "", hours)


def queue_rows(
    tickets: tuple[Ticket, ...],
    assignee_names: dict[str, str],
    customers: dict[str, Any],
    *,
    now: datetime | None = None,
) -> list[QueueRow]:
    now = now or timezone.now()
    rows = []
    for ticket in tickets:
        applies = ticket.status not in SLA_FREE_STATUSES
        rows.append(
            QueueRow(
                ticket=ticket,
                assignee=assignee_names.get(ticket.assignee_id, ticket.assignee_id),
                customer=customers.get(ticket.customer_id),
                age=sla_clock(ticket.created_at, now, applies=applies),
                activity=sla_clock(ticket.updated_at, now, applies=applies),
            )
        )
    return rows


def parse_sort(value: str) -> tuple[str, bool]:
    """`-age` → ("age", descending); an unknown key → ("", False): the gateway's order."""
    key = value[1:] if value.startswith("-") else value
    if key not in SORT_KEYS:
        return "", False
    return key, value.startswith("-")


def _sort_value(row: QueueRow, key: str) -> Any:
    ticket = row.ticket
    if key == "title":
        return ticket.title.casefold()
    if key == "status":
        return STATUS_ORDER.get(ticket.status, len(STATUS_ORDER))
    if key == "priority":
        return PRIORITY_ORDER.get(ticket.priority, -1)
    if key == "age":
        return row.age.hours
    return row.activity.hours


def sorted_rows(rows: list[QueueRow], sort: str) -> list[QueueRow]:
    key, descending = parse_sort(sort)
    if not key:
        return rows
    return sorted(rows, key=lambda row: _sort_value(row, key), reverse=descending)


def sort_headers(sort: str) -> list[dict[str, str]]:
    """Each sortable column: the sort its header link asks for (ascending first, then
    descending) and its `aria-sort`."""
    key, descending = parse_sort(sort)
    headers = []
    for name, label in SORT_KEYS.items():
        active = name == key
        next_sort = f"-{name}" if active and not descending else name
        state = ("descending" if descending else "ascending") if active else "none"
        headers.append({"key": name, "label": label, "sort": next_sort, "aria_sort": state})
    return headers
