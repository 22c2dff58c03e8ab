"""SQL for the Finsupport service: tickets, followers, replies, notes, files and canned replies.

Every table carries ``tenant``; ids are ``<prefix>-<seq>`` with a per-table sequence. A reply's
or note's ``fileIds`` are the files whose ``reply_id`` / ``note_id`` points at it, so there is
one source of truth for attachments.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from sandbox.finsupport.enums import PRIORITIES, TICKET_STATUSES

SCHEMA = """
CREATE TABLE IF NOT EXISTS fs_tickets (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    category TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    assignee_id TEXT,
    escalated INTEGER NOT NULL DEFAULT 0,
    escalation_reason TEXT,
    start_date TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT,
    close_reason TEXT
);
CREATE INDEX IF NOT EXISTS fs_tickets_by_tenant ON fs_tickets (tenant, updated_at DESC);
CREATE INDEX IF NOT EXISTS fs_tickets_by_customer ON fs_tickets (customer_id);
CREATE INDEX IF NOT EXISTS fs_tickets_by_assignee ON fs_tickets (assignee_id);
CREATE TABLE IF NOT EXISTS fs_followers (
    ticket_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, user_id)
);
CREATE INDEX IF NOT EXISTS fs_followers_by_user ON fs_followers (user_id);
CREATE TABLE IF NOT EXISTS fs_replies (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    author_id TEXT NOT NULL,
    author_role TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS fs_replies_by_ticket ON fs_replies (ticket_id, created_at);
CREATE TABLE IF NOT EXISTS fs_notes (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    author_id TEXT NOT NULL,
    author_role TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS fs_notes_by_ticket ON fs_notes (ticket_id, created_at);
CREATE TABLE IF NOT EXISTS fs_files (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    ticket_id TEXT,
    reply_id TEXT,
    note_id TEXT,
    content BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS fs_files_by_ticket ON fs_files (ticket_id);
CREATE INDEX IF NOT EXISTS fs_files_by_reply ON fs_files (reply_id);
CREATE INDEX IF NOT EXISTS fs_files_by_note ON fs_files (note_id);
CREATE TABLE IF NOT EXISTS fs_reply_titles (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fs_reply_messages (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    title_id TEXT NOT NULL,
    message TEXT NOT NULL
);
"""

# table -> (id prefix, digits)
ID_FORMATS = {
    "fs_tickets": ("t", 5),
    "fs_replies": ("r", 5),
    "fs_notes": ("n", 5),
    "fs_files": ("f", 5),
    "fs_reply_titles": ("rt", 3),
    "fs_reply_messages": ("rm", 3),
}

TICKET_COLUMNS = (
    "id, seq, tenant, title, description, status, priority, category, customer_id, created_by,"
    " assignee_id, escalated, escalation_reason, start_date, created_at, updated_at, closed_at,"
    " close_reason"
)
FILE_COLUMNS = (
    "id, seq, tenant, file_name, content_type, size, uploaded_by, uploaded_at, ticket_id,"
    " reply_id, note_id"
)

# Sort keys for the report: enum columns sort in their enum order, not alphabetically.
SORT_COLUMNS = {
    "createdAt": "created_at",
    "updatedAt": "updated_at",
    "title": "title COLLATE NOCASE",
    "priority": "CASE priority "
    + " ".join(f"WHEN '{value}' THEN {rank}" for rank, value in enumerate(PRIORITIES))
    + " END",
    "status": "CASE status "
    + " ".join(f"WHEN '{value}' THEN {rank}" for rank, value in enumerate(TICKET_STATUSES))
    + " END",
}


def make_id(table: str, seq: int) -> str:
    prefix, digits = ID_FORMATS[table]
    return f"{prefix}-{seq:0{digits}d}"


def next_id(connection: sqlite3.Connection, table: str) -> tuple[str, int]:
    assert table in ID_FORMATS
    row = connection.execute(f"SELECT COALESCE(MAX(seq), 0) + 1 FROM {table}").fetchone()  # noqa: S608
    seq = int(row[0])
    return make_id(table, seq), seq


def insert(connection: sqlite3.Connection, table: str, rows: Iterable[dict[str, Any]]) -> None:
    """Insert dict rows (keys = column names) into one of the tables above."""
    assert table in ID_FORMATS or table == "fs_followers"
    rows = list(rows)
    if not rows:
        return
    columns = list(rows[0])
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)})"  # noqa: S608
        f" VALUES ({', '.join('?' for _ in columns)})"
    )
    connection.executemany(sql, [tuple(row[column] for column in columns) for row in rows])


# ---- tickets ------------------------------------------------------------------------------


def load_ticket(connection: sqlite3.Connection, ticket_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = connection.execute(
        f"SELECT {TICKET_COLUMNS} FROM fs_tickets WHERE id = ?",  # noqa: S608
        (ticket_id,),
    ).fetchone()
    return row


def followers_of(connection: sqlite3.Connection, ticket_ids: Sequence[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {ticket_id: [] for ticket_id in ticket_ids}
    if not ticket_ids:
        return found
    marks = ", ".join("?" for _ in ticket_ids)
    rows = connection.execute(
        f"SELECT ticket_id, user_id FROM fs_followers WHERE ticket_id IN ({marks})"  # noqa: S608
        " ORDER BY seq",
        list(ticket_ids),
    ).fetchall()
    for row in rows:
        found[row["ticket_id"]].append(row["user_id"])
    return found


def as_ticket(row: sqlite3.Row, followers: list[str]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "title": row["title"],
        "description": row["description"],
        "status": row["status"],
        "priority": row["priority"],
        "category": row["category"],
        "customerId": row["customer_id"],
        "createdBy": row["created_by"],
        "assigneeId": row["assignee_id"],
        "followers": followers,
        "escalated": bool(row["escalated"]),
        "escalationReason": row["escalation_reason"],
        "startDate": row["start_date"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "closedAt": row["closed_at"],
        "closeReason": row["close_reason"],
    }


def tickets_json(connection: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
    followers = followers_of(connection, [row["id"] for row in rows])
    return [as_ticket(row, followers[row["id"]]) for row in rows]


def ticket_json(connection: sqlite3.Connection, ticket_id: str) -> dict[str, Any]:
    row = load_ticket(connection, ticket_id)
    assert row is not None
    return tickets_json(connection, [row])[0]


def update_ticket(connection: sqlite3.Connection, ticket_id: str, changes: dict[str, Any]) -> None:
    """``changes`` maps column names (from ``TICKET_COLUMNS``) to new values."""
    allowed = {column.strip() for column in TICKET_COLUMNS.split(",")} - {"id", "seq", "tenant"}
    assert set(changes) <= allowed, set(changes) - allowed
    assignments = ", ".join(f"{column} = ?" for column in changes)
    connection.execute(
        f"UPDATE fs_tickets SET {assignments} WHERE id = ?",  # noqa: S608
        [*changes.values(), ticket_id],
    )


def page_tickets(
    connection: sqlite3.Connection,
    tenant: str,
    *,
    where: list[tuple[str, list[Any]]],
    order_by: str = "updated_at DESC, seq DESC",
    page_number: int,
    page_size: int,
) -> tuple[list[dict[str, Any]], int]:
    """One page of the tenant's tickets matching every ``(sql clause, values)`` in ``where``."""
    clauses = ["tenant = ?"]
    values: list[Any] = [tenant]
    for clause, clause_values in where:
        clauses.append(clause)
        values.extend(clause_values)
    condition = " AND ".join(clauses)
    total = connection.execute(
        f"SELECT COUNT(*) FROM fs_tickets WHERE {condition}",  # noqa: S608
        values,
    ).fetchone()[0]
    rows = connection.execute(
        f"SELECT {TICKET_COLUMNS} FROM fs_tickets WHERE {condition}"  # noqa: S608
        f" ORDER BY {order_by} LIMIT ? OFFSET ?",
        [*values, page_size, (page_number - 1) * page_size],
    ).fetchall()
    return tickets_json(connection, rows), int(total)


COUNT_COLUMNS = ("status", "priority", "category", "assignee_id")


def counts_by(connection: sqlite3.Connection, tenant: str, column: str) -> dict[str | None, int]:
    assert column in COUNT_COLUMNS
    rows = connection.execute(
        f"SELECT {column} AS key, COUNT(*) AS n FROM fs_tickets WHERE tenant = ?"  # noqa: S608
        f" GROUP BY {column}",
        (tenant,),
    ).fetchall()
    return {row["key"]: int(row["n"]) for row in rows}


def customer_tenant(connection: sqlite3.Connection, customer_id: str) -> str | None:
    """The tenant of a customer of the customer service, or ``None`` if there is none."""
    row = connection.execute("SELECT tenant FROM customers WHERE id = ?", (customer_id,)).fetchone()
    return None if row is None else str(row["tenant"])


# ---- replies and notes --------------------------------------------------------------------


def file_ids_of(
    connection: sqlite3.Connection, column: str, owner_ids: Sequence[str]
) -> dict[str, list[str]]:
    assert column in ("reply_id", "note_id")
    found: dict[str, list[str]] = {owner_id: [] for owner_id in owner_ids}
    if not owner_ids:
        return found
    marks = ", ".join("?" for _ in owner_ids)
    rows = connection.execute(
        f"SELECT id, {column} AS owner FROM fs_files WHERE {column} IN ({marks})"  # noqa: S608
        " ORDER BY seq",
        list(owner_ids),
    ).fetchall()
    for row in rows:
        found[row["owner"]].append(row["id"])
    return found


def thread_items(
    connection: sqlite3.Connection, kind: str, *, ticket_id: str | None = None, item_id: str | None
) -> list[dict[str, Any]]:
    """Replies (``kind='reply'``) or notes (``'note'``) of a ticket in time order, or one by id."""
    table, text_column, file_column = (
        ("fs_replies", "message", "reply_id")
        if kind == "reply"
        else ("fs_notes", "note", "note_id")
    )
    column, value = ("ticket_id", ticket_id) if item_id is None else ("id", item_id)
    rows = connection.execute(
        f"SELECT id, tenant, ticket_id, author_id, author_role, {text_column} AS text,"  # noqa: S608
        f" created_at FROM {table} WHERE {column} = ? ORDER BY created_at, seq",
        (value,),
    ).fetchall()
    files = file_ids_of(connection, file_column, [row["id"] for row in rows])
    return [
        {
            "id": row["id"],
            "ticketId": row["ticket_id"],
            "authorId": row["author_id"],
            "authorRole": row["author_role"],
            text_column: row["text"],
            "fileIds": files[row["id"]],
            "createdAt": row["created_at"],
            "_tenant": row["tenant"],
        }
        for row in rows
    ]


# ---- files --------------------------------------------------------------------------------


def as_file(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "fileName": row["file_name"],
        "contentType": row["content_type"],
        "size": row["size"],
        "uploadedBy": row["uploaded_by"],
        "uploadedAt": row["uploaded_at"],
        "ticketId": row["ticket_id"],
        "replyId": row["reply_id"],
        "noteId": row["note_id"],
    }


def load_file(connection: sqlite3.Connection, file_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = connection.execute(
        f"SELECT {FILE_COLUMNS} FROM fs_files WHERE id = ?",  # noqa: S608
        (file_id,),
    ).fetchone()
    return row


def file_json(connection: sqlite3.Connection, file_id: str) -> dict[str, Any]:
    row = load_file(connection, file_id)
    assert row is not None
    return as_file(row)


def file_content(connection: sqlite3.Connection, file_id: str) -> bytes:
    row = connection.execute("SELECT content FROM fs_files WHERE id = ?", (file_id,)).fetchone()
    return bytes(row["content"])


def list_files(
    connection: sqlite3.Connection, tenant: str, column: str | None = None, value: str = ""
) -> list[dict[str, Any]]:
    """The tenant's files, oldest first; ``column = value`` narrows them."""
    assert column in (None, "ticket_id", "reply_id", "note_id", "uploaded_by")
    condition = "tenant = ?" + (f" AND {column} = ?" if column else "")
    values = [tenant, value] if column else [tenant]
    rows = connection.execute(
        f"SELECT {FILE_COLUMNS} FROM fs_files WHERE {condition} ORDER BY seq",  # noqa: S608
        values,
    ).fetchall()
    return [as_file(row) for row in rows]


def file_aggregate(connection: sqlite3.Connection, tenant: str) -> dict[str, Any]:
    rows = connection.execute(
        "SELECT content_type, COUNT(*) AS n, COALESCE(SUM(size), 0) AS total FROM fs_files"
        " WHERE tenant = ? GROUP BY content_type ORDER BY content_type",
        (tenant,),
    ).fetchall()
    return {
        "count": sum(int(row["n"]) for row in rows),
        "totalSize": sum(int(row["total"]) for row in rows),
        "byContentType": {row["content_type"]: int(row["n"]) for row in rows},
    }
