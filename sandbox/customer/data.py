"""SQL for customers and organizations. A customer row keeps the whole CustomerDetail as JSON,
with the columns the list filters need copied out beside it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    customer_type TEXT NOT NULL,
    status TEXT NOT NULL,
    organization_id TEXT,
    created TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS customers_by_tenant ON customers (tenant, created DESC, id);
CREATE INDEX IF NOT EXISTS customers_by_status ON customers (tenant, status, created DESC);
CREATE INDEX IF NOT EXISTS customers_by_organization ON customers (organization_id);
CREATE TABLE IF NOT EXISTS organizations (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    customer_id TEXT,
    name TEXT NOT NULL
);
"""

# CustomerDetail fields that list items and ``{"customer": ...}`` answers leave out.
DETAIL_ONLY_FIELDS = ("kycConfirmation", "pepCheckStatus", "revisions")


def customer_row(seq: int, tenant: str, detail: dict[str, Any]) -> tuple[Any, ...]:
    return (
        detail["id"],
        seq,
        tenant,
        detail["customerType"],
        detail["customerStatus"],
        detail.get("organizationId"),
        detail["created"],
        json.dumps(detail, ensure_ascii=False),
    )


def insert_customers(connection: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> None:
    connection.executemany("INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def insert_organizations(
    connection: sqlite3.Connection, rows: Iterable[tuple[str, int, str, str | None, str]]
) -> None:
    connection.executemany("INSERT INTO organizations VALUES (?, ?, ?, ?, ?)", rows)


def load(connection: sqlite3.Connection, customer_id: str) -> tuple[str, dict[str, Any]] | None:
    """``(tenant, detail)`` or ``None``."""
    row = connection.execute(
        "SELECT tenant, data FROM customers WHERE id = ?", (customer_id,)
    ).fetchone()
    return None if row is None else (row["tenant"], json.loads(row["data"]))


def save(connection: sqlite3.Connection, detail: dict[str, Any]) -> None:
    connection.execute(
        "UPDATE customers SET customer_type = ?, status = ?, organization_id = ?, data = ?"
        " WHERE id = ?",
        (
            detail["customerType"],
            detail["customerStatus"],
            detail.get("organizationId"),
            json.dumps(detail, ensure_ascii=False),
            detail["id"],
        ),
    )


def next_sequence(connection: sqlite3.Connection, table: str) -> int:
    assert table in ("customers", "organizations")
    row = connection.execute(f"SELECT COALESCE(MAX(seq), 0) + 1 FROM {table}").fetchone()  # noqa: S608
    return int(row[0])


def organization_tenant(connection: sqlite3.Connection, organization_id: str) -> str | None:
    row = connection.execute(
        "SELECT tenant FROM organizations WHERE id = ?", (organization_id,)
    ).fetchone()
    return None if row is None else str(row["tenant"])


def page(
    connection: sqlite3.Connection,
    tenant: str,
    *,
    customer_type: str | None = None,
    status: str | None = None,
    organization_id: str | None = None,
    created_from: str | None = None,
    page_number: int = 1,
    page_size: int | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Customers newest first (then by id), and the total matching; no page size = all."""
    clauses = ["tenant = ?"]
    values: list[Any] = [tenant]
    for column, value in (
        ("customer_type = ?", customer_type),
        ("status = ?", status),
        ("organization_id = ?", organization_id),
        ("created >= ?", created_from),
    ):
        if value is not None:
            clauses.append(column)
            values.append(value)
    where = " AND ".join(clauses)
    total = connection.execute(
        f"SELECT COUNT(*) FROM customers WHERE {where}",  # noqa: S608
        values,
    ).fetchone()[0]
    query = f"SELECT data FROM customers WHERE {where} ORDER BY created DESC, id"  # noqa: S608
    if page_size is not None:
        query += " LIMIT ? OFFSET ?"
        values += [page_size, (page_number - 1) * page_size]
    rows = connection.execute(query, values).fetchall()
    return [json.loads(row["data"]) for row in rows], int(total)


def as_customer(detail: dict[str, Any]) -> dict[str, Any]:
    """The Customer shape (plus organizationId, created, updated) of a stored detail."""
    return {key: value for key, value in detail.items() if key not in DETAIL_ONLY_FIELDS}
