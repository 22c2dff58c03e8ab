"""Finsupport enums and the ticket report (counts, and a filtered, sorted page)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sandbox.finsupport import data
from sandbox.finsupport.common import (
    DEFAULT_PAGE_SIZE,
    Errors,
    check_enum,
    check_paging,
    check_text,
    pagination,
    parse_iso_date,
    raise_if,
)
from sandbox.finsupport.enums import (
    CATEGORIES,
    PRIORITIES,
    REPORT_SORT_FIELDS,
    REPORT_SORT_ORDERS,
    ROLES,
    TICKET_STATUSES,
)
from sandbox.http import Request, field_error

UNASSIGNED = "unassigned"


def _enum(values: tuple[str, ...]) -> Callable[[Request], list[str]]:
    def handler(request: Request) -> list[str]:
        return list(values)

    return handler


ticket_statuses = _enum(TICKET_STATUSES)
priorities = _enum(PRIORITIES)
categories = _enum(CATEGORIES)
roles = _enum(ROLES)
sort_fields = _enum(REPORT_SORT_FIELDS)
sort_orders = _enum(REPORT_SORT_ORDERS)


def report_counts(request: Request) -> dict[str, Any]:
    tenant = request.user.tenant_id
    with request.store.read() as connection:
        by = {column: data.counts_by(connection, tenant, column) for column in data.COUNT_COLUMNS}
    assignees = by["assignee_id"]
    return {
        "byStatus": {value: by["status"].get(value, 0) for value in TICKET_STATUSES},
        "byPriority": {value: by["priority"].get(value, 0) for value in PRIORITIES},
        "byCategory": {value: by["category"].get(value, 0) for value in CATEGORIES},
        "byAssignee": {
            **dict(sorted((str(key), count) for key, count in assignees.items() if key)),
            UNASSIGNED: assignees.get(None, 0),
        },
        "total": sum(by["status"].values()),
    }


def _enum_list(
    body: dict[str, Any], name: str, allowed: tuple[str, ...]
) -> tuple[list[str], Errors]:
    value = body.get(name)
    if value in (None, "", []):
        return [], []
    if not isinstance(value, list):
        return [], [field_error(name, "must be a list")]
    errors: Errors = []
    for index, item in enumerate(value):
        errors += check_enum(item, allowed, f"{name}[{index}]", required=True)
    return value, errors


def _date(body: dict[str, Any], name: str, errors: Errors) -> str | None:
    value = body.get(name)
    if value in (None, ""):
        return None
    try:
        day = parse_iso_date(value)
    except ValueError:
        errors.append(field_error(name, "must be an ISO date (YYYY-MM-DD)"))
        return None
    # ``to`` is inclusive: everything created before the next day.
    return (day + timedelta(days=1) if name == "to" else day).isoformat()


def report_page(request: Request) -> dict[str, Any]:
    body = request.json_object()
    errors: Errors = []
    where: list[tuple[str, list[Any]]] = []
    start, end = _date(body, "from", errors), _date(body, "to", errors)
    if start and end and start >= end:
        errors.append(field_error("to", "must not be before from"))
    if start:
        where.append(("created_at >= ?", [start]))
    if end:
        where.append(("created_at < ?", [end]))
    for name, allowed in (
        ("status", TICKET_STATUSES),
        ("priority", PRIORITIES),
        ("category", CATEGORIES),
    ):
        values, problems = _enum_list(body, name, allowed)
        errors += problems
        if values and not problems:
            where.append((f"{name} IN ({', '.join('?' for _ in values)})", values))
    assignee_id = body.get("assigneeId") or None
    errors += check_text(assignee_id, "assigneeId", required=False, max_length=64)
    if isinstance(assignee_id, str):
        where.append(("assignee_id = ?", [assignee_id]))
    sort_field = body.get("sortField") or "updatedAt"
    sort_order = body.get("sortOrder") or "DESC"
    errors += check_enum(sort_field, REPORT_SORT_FIELDS, "sortField", required=True)
    errors += check_enum(sort_order, REPORT_SORT_ORDERS, "sortOrder", required=True)
    page_number = 1 if body.get("pageNumber") is None else body["pageNumber"]
    page_size = DEFAULT_PAGE_SIZE if body.get("pageSize") is None else body["pageSize"]
    errors += check_paging(page_number, page_size)
    raise_if(errors)
    column = data.SORT_COLUMNS[sort_field]
    with request.store.read() as connection:
        tickets, total = data.page_tickets(
            connection,
            request.user.tenant_id,
            where=where,
            order_by=f"{column} {sort_order}, seq {sort_order}",
            page_number=page_number,
            page_size=page_size,
        )
    return {"tickets": tickets, "pagination": pagination(total, page_number, page_size)}
