"""Finsupport ticket reads and writes: lists, detail, create, update and the status workflow."""

from __future__ import annotations

import sqlite3
from typing import Any

from sandbox.finsupport import data
from sandbox.finsupport.common import (
    DEFAULT_PAGE_SIZE,
    Errors,
    check_enum,
    check_paging,
    check_text,
    is_blank,
    now_iso,
    own_ticket,
    pagination,
    parse_iso_date,
    query_int,
    raise_if,
    read_ticket,
    require_admin,
    require_admin_or_assignee,
    require_customer,
    required_enum,
    required_text,
    staff_user,
    touch_ticket,
)
from sandbox.finsupport.enums import (
    ASSIGNABLE_ROLES,
    ASSIGNEE_STATUSES,
    CATEGORIES,
    MAX_TITLE_LENGTH,
    PRIORITIES,
    TICKET_STATUSES,
)
from sandbox.http import Request, bad_request, field_error, forbidden, not_found

# ---- lists --------------------------------------------------------------------------------


def _list(request: Request, extra: list[tuple[str, list[Any]]]) -> dict[str, Any]:
    query = request.query
    page_number = query_int(request, "pageNumber", 1)
    page_size = query_int(request, "pageSize", DEFAULT_PAGE_SIZE)
    errors = check_paging(page_number, page_size)
    where = list(extra)
    for name, allowed in (
        ("status", TICKET_STATUSES),
        ("priority", PRIORITIES),
        ("category", CATEGORIES),
    ):
        value = query.get(name) or None
        errors += check_enum(value, allowed, name, required=False)
        if value:
            where.append((f"{name} = ?", [value]))
    raise_if(errors)
    with request.store.read() as connection:
        tickets, total = data.page_tickets(
            connection,
            request.user.tenant_id,
            where=where,
            page_number=page_number,
            page_size=page_size,
        )
    return {"tickets": tickets, "pagination": pagination(total, page_number, page_size)}


def list_tickets(request: Request) -> dict[str, Any]:
    return _list(request, [])


def list_by_customer(request: Request) -> dict[str, Any]:
    customer_id = request.params["customerId"]
    with request.store.read() as connection:
        tenant = data.customer_tenant(connection, customer_id)
    if tenant is None:
        raise not_found(f"Customer {customer_id} not found")
    if tenant != request.user.tenant_id:
        raise forbidden(f"Customer {customer_id} belongs to another tenant")
    return _list(request, [("customer_id = ?", [customer_id])])


def _path_user(request: Request, name: str) -> str:
    user_id = request.params[name]
    if staff_user(request, user_id) is None:
        raise not_found(f"User {user_id} not found")
    return user_id


def list_by_assignee(request: Request) -> dict[str, Any]:
    user_id = _path_user(request, "assigneeId")
    return _list(request, [("assignee_id = ?", [user_id])])


def list_by_follower(request: Request) -> dict[str, Any]:
    user_id = _path_user(request, "followerId")
    clause = "id IN (SELECT ticket_id FROM fs_followers WHERE user_id = ?)"
    return _list(request, [(clause, [user_id])])


def get_ticket(request: Request) -> dict[str, Any]:
    return read_ticket(request)


# ---- create and update --------------------------------------------------------------------


def _validate_fields(body: dict[str, Any], *, partial: bool) -> Errors:
    required = not partial
    errors = check_text(body.get("title"), "title", required=required, max_length=MAX_TITLE_LENGTH)
    errors += check_text(body.get("description"), "description", required=required)
    errors += check_enum(body.get("category"), CATEGORIES, "category", required=required)
    errors += check_enum(body.get("priority"), PRIORITIES, "priority", required=required)
    return errors


def _check_customer(connection: sqlite3.Connection, request: Request, customer_id: str) -> None:
    tenant = data.customer_tenant(connection, customer_id)
    if tenant is None:
        raise bad_request([field_error("customerId", "unknown customer")])
    if tenant != request.user.tenant_id:
        raise forbidden(f"Customer {customer_id} belongs to another tenant")


def _check_assignee(request: Request, assignee_id: str, name: str = "assigneeId") -> None:
    user = staff_user(request, assignee_id)
    if user is None:
        raise bad_request([field_error(name, "unknown user")])
    if not set(user.roles) & set(ASSIGNABLE_ROLES):
        raise bad_request([field_error(name, "must be an ADMIN or ASSIGNEE user")])


def _create(request: Request, *, with_assignee: bool) -> dict[str, Any]:
    body = request.json_object()
    errors = _validate_fields(body, partial=False)
    errors += check_text(body.get("customerId"), "customerId", required=True, max_length=64)
    if with_assignee:
        errors += check_text(body.get("assigneeId"), "assigneeId", required=True, max_length=64)
    raise_if(errors)
    if with_assignee:
        _check_assignee(request, body["assigneeId"])
    with request.store.write() as connection:
        _check_customer(connection, request, body["customerId"])
        ticket_id, seq = data.next_id(connection, "fs_tickets")
        stamp = now_iso()
        row = {
            "id": ticket_id,
            "seq": seq,
            "tenant": request.user.tenant_id,
            "title": body["title"].strip(),
            "description": body["description"],
            "status": "OPEN",
            "priority": body["priority"],
            "category": body["category"],
            "customer_id": body["customerId"],
            "created_by": request.user.user_id,
            "assignee_id": body["assigneeId"] if with_assignee else None,
            "escalated": 0,
            "created_at": stamp,
            "updated_at": stamp,
        }
        data.insert(connection, "fs_tickets", [row])
        return data.ticket_json(connection, ticket_id)


def create_ticket(request: Request) -> dict[str, Any]:
    return _create(request, with_assignee=False)


def create_new_ticket(request: Request) -> dict[str, Any]:
    return _create(request, with_assignee=True)


def update_ticket(request: Request) -> dict[str, Any]:
    body = request.json_object()
    errors = _validate_fields(body, partial=True)
    fields = {"title": "title", "description": "description"}
    fields |= {"category": "category", "priority": "priority"}
    # A blank value counts as not given, as it does for a required field on create.
    changes = {column: body[key] for key, column in fields.items() if not is_blank(body.get(key))}
    if not errors and not changes:
        errors.append(
            field_error(
                "body", "must change at least one of title, description, category, priority"
            )
        )
    raise_if(errors)
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    with request.store.write() as connection:
        ticket = own_ticket(connection, request, request.params["ticketId"])
        require_admin_or_assignee(request, ticket)
        return touch_ticket(connection, ticket, **changes)


# ---- workflow -----------------------------------------------------------------------------


def _reason(request: Request) -> str:
    return required_text(request.json_object().get("reason"), "reason")


def escalate(request: Request) -> dict[str, Any]:
    reason = _reason(request)
    with request.store.write() as connection:
        ticket = own_ticket(connection, request, request.params["ticketId"])
        require_admin_or_assignee(request, ticket)
        return touch_ticket(
            connection,
            ticket,
            status="ESCALATED",
            escalated=1,
            escalation_reason=reason,
            closed_at=None,
        )


def _status_changes(status: str) -> dict[str, Any]:
    changes: dict[str, Any] = {"status": status}
    changes["closed_at"] = now_iso() if status == "CLOSED" else None
    if status == "ESCALATED":
        changes["escalated"] = 1
    return changes


def admin_status(request: Request) -> dict[str, Any]:
    require_admin(request)
    status = required_enum(request.json_object().get("status"), TICKET_STATUSES, "status")
    with request.store.write() as connection:
        ticket = own_ticket(connection, request, request.params["ticketId"])
        return touch_ticket(connection, ticket, **_status_changes(status))


def assignee_status(request: Request) -> dict[str, Any]:
    status = required_enum(request.json_object().get("status"), TICKET_STATUSES, "status")
    if status not in ASSIGNEE_STATUSES:
        message = "an assignee may set " + ", ".join(ASSIGNEE_STATUSES)
        raise bad_request([field_error("status", message)])
    with request.store.write() as connection:
        ticket = own_ticket(connection, request, request.params["ticketId"])
        require_admin_or_assignee(request, ticket)
        return touch_ticket(connection, ticket, **_status_changes(status))


def _close(request: Request) -> dict[str, Any]:
    reason = _reason(request)
    with request.store.write() as connection:
        ticket = own_ticket(connection, request, request.params["ticketId"])
        return touch_ticket(
            connection, ticket, status="CLOSED", closed_at=now_iso(), close_reason=reason
        )


def admin_close(request: Request) -> dict[str, Any]:
    require_admin(request)
    return _close(request)


def customer_close(request: Request) -> dict[str, Any]:
    require_customer(request)
    return _close(request)


def start_date(request: Request) -> dict[str, Any]:
    value = request.json_object().get("startDate")
    try:
        day = parse_iso_date(value).isoformat()
    except ValueError:
        message = "is required" if value in (None, "") else "must be an ISO date (YYYY-MM-DD)"
        raise bad_request([field_error("startDate", message)]) from None
    with request.store.write() as connection:
        ticket = own_ticket(connection, request, request.params["ticketId"])
        require_admin_or_assignee(request, ticket)
        return touch_ticket(connection, ticket, start_date=day)


def admin_complete(request: Request) -> dict[str, Any]:
    require_admin(request)
    request.json()  # the body is {} and unused; malformed JSON is still a 400
    with request.store.write() as connection:
        ticket = own_ticket(connection, request, request.params["ticketId"])
        return touch_ticket(connection, ticket, status="COMPLETED", closed_at=None)


# ---- people -------------------------------------------------------------------------------


def add_assignee(request: Request) -> dict[str, Any]:
    require_admin(request)
    assignee_id = required_text(
        request.json_object().get("assigneeId"), "assigneeId", max_length=64
    )
    _check_assignee(request, assignee_id)
    with request.store.write() as connection:
        ticket = own_ticket(connection, request, request.params["ticketId"])
        return touch_ticket(connection, ticket, assignee_id=assignee_id)


def add_follower(request: Request) -> dict[str, Any]:
    follower_id = required_text(
        request.json_object().get("followerId"), "followerId", max_length=64
    )
    if staff_user(request, follower_id) is None:
        raise bad_request([field_error("followerId", "unknown user")])
    with request.store.write() as connection:
        ticket = own_ticket(connection, request, request.params["ticketId"])
        exists = connection.execute(
            "SELECT 1 FROM fs_followers WHERE ticket_id = ? AND user_id = ?",
            (ticket["id"], follower_id),
        ).fetchone()
        if exists:  # idempotent: following twice changes nothing
            return data.ticket_json(connection, ticket["id"])
        seq = connection.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM fs_followers").fetchone()
        data.insert(
            connection,
            "fs_followers",
            [{"ticket_id": ticket["id"], "user_id": follower_id, "seq": int(seq[0])}],
        )
        return touch_ticket(connection, ticket)


def get_assignee(request: Request) -> dict[str, Any]:
    ticket = read_ticket(request)
    user = staff_user(request, ticket["assigneeId"] or "")
    if user is None:
        raise not_found(f"Ticket {ticket['id']} has no assignee")
    return user.as_json()


def get_followers(request: Request) -> list[dict[str, Any]]:
    ticket = read_ticket(request)
    users = [staff_user(request, user_id) for user_id in ticket["followers"]]
    return [user.as_json() for user in users if user is not None]
