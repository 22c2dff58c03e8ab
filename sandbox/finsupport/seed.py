"""Deterministic seed for Finsupport: tickets, followers, threads, files and canned replies.

Runs after the customer seed (it picks customers from the ``customers`` table). With
``random.Random(20261124)`` the result is identical on every machine:

- ``finhub-demo``: 420 tickets ``t-00001``…``t-00420``; ``finhub-other``: 40 more.
- ``t-00001``: assigned to u-carol, OPEN, HIGH, PAYMENTS, customer c-00101, with a reply
  thread, internal notes and files on the ticket, a reply and a note.
- ``t-00002``: escalated (status ESCALATED), URGENT, CARDS, assigned to u-carol, followed by
  u-alice and u-bob.
- ``t-00003``: HTML/JS payloads in title, description, a reply, a note and a file name.
- ``t-00004``…``t-00171``: one ticket for every status x priority x category.
- Canned replies ``rt-001``…``rt-006`` (``rt-004`` INACTIVE) in finhub-demo, ``rt-007`` and
  ``rt-008`` in finhub-other.
"""

from __future__ import annotations

import itertools
import random
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sandbox.finsupport import data
from sandbox.finsupport import seed_text as text
from sandbox.finsupport.common import iso_ms
from sandbox.finsupport.enums import CATEGORIES, PRIORITIES, TICKET_STATUSES

DEMO_TENANT = "finhub-demo"
OTHER_TENANT = "finhub-other"
DEMO_TICKETS = 420
OTHER_TICKETS = 40
DEMO_STAFF = ("u-alice", "u-bob", "u-carol", "u-erin")
STAFF_ROLE = {"u-alice": "ADMIN", "u-carol": "ASSIGNEE"}
CREATED_FROM = datetime(2025, 6, 1, tzinfo=UTC)
CREATED_UNTIL = datetime(2026, 11, 10, 18, 0, tzinfo=UTC)
STATUS_WEIGHTS = {
    "OPEN": 22,
    "IN_PROGRESS": 22,
    "ON_HOLD": 10,
    "ESCALATED": 8,
    "RESOLVED": 14,
    "COMPLETED": 10,
    "CLOSED": 14,
}
NOTABLE_OPEN = "t-00001"
NOTABLE_ESCALATED = "t-00002"
NOTABLE_PAYLOAD = "t-00003"


@dataclass
class Spec:
    """What one ticket should look like before times, threads and files are drawn."""

    tenant: str
    customer_id: str
    status: str
    priority: str
    category: str
    assignee_id: str | None
    replies: int
    notes: int
    followers: list[str] = field(default_factory=list)
    escalated: bool = False
    files: bool = False
    payload: bool = False


@dataclass
class Rows:
    tickets: list[dict[str, Any]] = field(default_factory=list)
    followers: list[dict[str, Any]] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)

    def next_id(self, table: str, items: list[dict[str, Any]]) -> tuple[str, int]:
        seq = len(items) + 1
        return data.make_id(table, seq), seq


def seed_database(connection: sqlite3.Connection, rng: random.Random) -> None:
    customers = _customers(connection)
    rows = Rows()
    specs = _demo_specs(rng, customers[DEMO_TENANT]) + _other_specs(rng, customers[OTHER_TENANT])
    for spec in specs:
        _build_ticket(rng, spec, rows)
    data.insert(connection, "fs_tickets", rows.tickets)
    data.insert(connection, "fs_followers", rows.followers)
    data.insert(connection, "fs_replies", rows.replies)
    data.insert(connection, "fs_notes", rows.notes)
    data.insert(connection, "fs_files", rows.files)
    _seed_reply_titles(connection)


def _customers(connection: sqlite3.Connection) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {DEMO_TENANT: [], OTHER_TENANT: []}
    for row in connection.execute("SELECT id, tenant FROM customers ORDER BY seq"):
        found.setdefault(row["tenant"], []).append(row["id"])
    return found


def _assignee(rng: random.Random, status: str) -> str | None:
    if status == "OPEN" and rng.random() < 0.35:
        return None
    if status != "OPEN" and rng.random() < 0.04:
        return None
    return "u-carol" if rng.random() < 0.62 else "u-alice"


def _random_spec(
    rng: random.Random, customer_id: str, status: str, priority: str, category: str
) -> Spec:
    quiet = status == "OPEN"
    escalated = status == "ESCALATED" or (
        status in ("IN_PROGRESS", "RESOLVED", "COMPLETED", "CLOSED") and rng.random() < 0.1
    )
    return Spec(
        tenant=DEMO_TENANT,
        customer_id=customer_id,
        status=status,
        priority=priority,
        category=category,
        assignee_id=_assignee(rng, status),
        replies=rng.choice((0, 0, 1, 2) if quiet else (0, 1, 2, 3, 4, 5, 6)),
        notes=rng.choice((0, 0, 0, 1, 2, 3)),
        followers=rng.sample(DEMO_STAFF, rng.choice((0, 0, 1, 1, 2))),
        escalated=escalated,
        files=rng.random() < 0.15,
    )


def _demo_specs(rng: random.Random, customers: list[str]) -> list[Spec]:
    specs = [
        Spec(DEMO_TENANT, "c-00101", "OPEN", "HIGH", "PAYMENTS", "u-carol", 4, 2, ["u-bob"],
             files=True),
        Spec(DEMO_TENANT, "c-00202", "ESCALATED", "URGENT", "CARDS", "u-carol", 3, 1,
             ["u-alice", "u-bob"], escalated=True),
        Spec(DEMO_TENANT, "c-00013", "IN_PROGRESS", "MEDIUM", "CARDS", "u-alice", 2, 1,
             ["u-erin"], files=True, payload=True),
    ]  # fmt: skip
    for status, priority, category in itertools.product(TICKET_STATUSES, PRIORITIES, CATEGORIES):
        specs.append(_random_spec(rng, rng.choice(customers), status, priority, category))
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    while len(specs) < DEMO_TICKETS:
        status = rng.choices(statuses, weights)[0]
        specs.append(
            _random_spec(
                rng, rng.choice(customers), status, rng.choice(PRIORITIES), rng.choice(CATEGORIES)
            )
        )
    return specs


def _other_specs(rng: random.Random, customers: list[str]) -> list[Spec]:
    return [
        Spec(
            tenant=OTHER_TENANT,
            customer_id=rng.choice(customers),
            status=rng.choice(("OPEN", "OPEN", "IN_PROGRESS", "RESOLVED", "CLOSED")),
            priority=rng.choice(PRIORITIES),
            category=rng.choice(CATEGORIES),
            assignee_id=None,
            replies=rng.choice((0, 1, 2)),
            notes=0,
            followers=["u-dave"] if rng.random() < 0.3 else [],
            files=rng.random() < 0.1,
        )
        for _ in range(OTHER_TICKETS)
    ]


def _moment(rng: random.Random) -> datetime:
    span = int((CREATED_UNTIL - CREATED_FROM).total_seconds())
    return CREATED_FROM + timedelta(seconds=rng.randrange(span))


def _later(rng: random.Random, moment: datetime) -> datetime:
    return moment + timedelta(minutes=rng.randrange(20, 18 * 60))


def _build_ticket(rng: random.Random, spec: Spec, rows: Rows) -> None:
    ticket_id, seq = rows.next_id("fs_tickets", rows.tickets)
    created = _moment(rng)
    title = rng.choice(text.TITLES[spec.category])
    description = text.DESCRIPTIONS[spec.category]
    if spec.payload:
        title, description = text.PAYLOAD_TITLE, text.PAYLOAD_DESCRIPTION
    created_by = spec.customer_id if rng.random() < 0.6 else rng.choice(DEMO_STAFF)
    if spec.tenant == OTHER_TENANT:
        created_by = spec.customer_id
    staff = spec.assignee_id or "u-alice"
    moment = created
    if spec.files:
        moment = _later(rng, moment)
        name = text.PAYLOAD_FILE_NAME if spec.payload else None
        _add_file(rng, rows, spec, ticket_id, spec.customer_id, moment, name=name)
    # Replies alternate staff / customer (the description is the customer's first word);
    # notes fall in between.
    events = ["reply"] * spec.replies + ["note"] * spec.notes
    rng.shuffle(events)
    reply_number = 0
    for event in events:
        moment = _later(rng, moment)
        if event == "reply":
            from_staff = spec.tenant == DEMO_TENANT and reply_number % 2 == 0
            author = staff if from_staff else spec.customer_id
            message = rng.choice(text.STAFF_REPLIES if from_staff else text.CUSTOMER_REPLIES)
            if spec.payload and reply_number == 1:
                message = text.PAYLOAD_REPLY
            role = STAFF_ROLE[author] if from_staff else "CUSTOMER"
            _add_item(rows, "reply", spec, ticket_id, author, role, message, moment)
            reply_number += 1
            if spec.files and (rng.random() < 0.4 or ticket_id == NOTABLE_OPEN):
                owner = rows.replies[-1]["id"]
                _add_file(rng, rows, spec, ticket_id, author, moment, reply_id=owner)
        else:
            note = text.PAYLOAD_NOTE if spec.payload else rng.choice(text.NOTES)
            _add_item(rows, "note", spec, ticket_id, staff, STAFF_ROLE[staff], note, moment)
            if spec.files and (rng.random() < 0.3 or ticket_id == NOTABLE_OPEN):
                owner = rows.notes[-1]["id"]
                _add_file(rng, rows, spec, ticket_id, staff, moment, note_id=owner)
    closed_at = None
    if spec.status == "CLOSED":
        moment = _later(rng, moment)
        closed_at = iso_ms(moment)
    start = None
    if spec.status != "OPEN" or rng.random() < 0.2:
        start = (created + timedelta(days=rng.randrange(0, 3))).date().isoformat()
    rows.tickets.append(
        {
            "id": ticket_id,
            "seq": seq,
            "tenant": spec.tenant,
            "title": title,
            "description": description,
            "status": spec.status,
            "priority": spec.priority,
            "category": spec.category,
            "customer_id": spec.customer_id,
            "created_by": created_by,
            "assignee_id": spec.assignee_id,
            "escalated": int(spec.escalated),
            "escalation_reason": rng.choice(text.ESCALATION_REASONS) if spec.escalated else None,
            "start_date": start,
            "created_at": iso_ms(created),
            "updated_at": iso_ms(moment),
            "closed_at": closed_at,
            "close_reason": rng.choice(text.CLOSE_REASONS) if closed_at else None,
        }
    )
    for user_id in spec.followers:
        rows.followers.append(
            {"ticket_id": ticket_id, "user_id": user_id, "seq": len(rows.followers) + 1}
        )


def _add_item(
    rows: Rows,
    kind: str,
    spec: Spec,
    ticket_id: str,
    author: str,
    role: str,
    body: str,
    moment: datetime,
) -> None:
    table, items, text_column = (
        ("fs_replies", rows.replies, "message")
        if kind == "reply"
        else ("fs_notes", rows.notes, "note")
    )
    item_id, seq = rows.next_id(table, items)
    items.append(
        {
            "id": item_id,
            "seq": seq,
            "tenant": spec.tenant,
            "ticket_id": ticket_id,
            "author_id": author,
            "author_role": role,
            text_column: body,
            "created_at": iso_ms(moment),
        }
    )


def _add_file(
    rng: random.Random,
    rows: Rows,
    spec: Spec,
    ticket_id: str,
    uploaded_by: str,
    moment: datetime,
    *,
    name: str | None = None,
    reply_id: str | None = None,
    note_id: str | None = None,
) -> None:
    file_id, seq = rows.next_id("fs_files", rows.files)
    label = (
        f"{spec.category.title()} {ticket_id} {rng.choice(('evidence', 'screenshot', 'statement'))}"
    )
    file_name, content_type, content = text.attachment(seq, label)
    if name:
        file_name = name
        content_type, content = "text/plain", b"payload file name test\n"
    rows.files.append(
        {
            "id": file_id,
            "seq": seq,
            "tenant": spec.tenant,
            "file_name": file_name,
            "content_type": content_type,
            "size": len(content),
            "uploaded_by": uploaded_by,
            "uploaded_at": iso_ms(moment),
            "ticket_id": ticket_id,
            "reply_id": reply_id,
            "note_id": note_id,
            "content": content,
        }
    )


def _seed_reply_titles(connection: sqlite3.Connection) -> None:
    titles: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    for tenant, entries in (
        (DEMO_TENANT, text.REPLY_TITLES),
        (OTHER_TENANT, text.OTHER_TENANT_REPLY_TITLES),
    ):
        for title, status, bodies in entries:
            title_id = data.make_id("fs_reply_titles", len(titles) + 1)
            titles.append(
                {
                    "id": title_id,
                    "seq": len(titles) + 1,
                    "tenant": tenant,
                    "title": title,
                    "status": status,
                }
            )
            for body in bodies:
                messages.append(
                    {
                        "id": data.make_id("fs_reply_messages", len(messages) + 1),
                        "seq": len(messages) + 1,
                        "tenant": tenant,
                        "title_id": title_id,
                        "message": body,
                    }
                )
    data.insert(connection, "fs_reply_titles", titles)
    data.insert(connection, "fs_reply_messages", messages)
