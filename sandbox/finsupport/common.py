"""Shared pieces of the Finsupport handlers: role rules, tenant-scoped loads, paging, checks.

Role rules (sandbox-inferred; the contract only says admins may do everything and assignees
work their own tickets):

- every staff role may read everything of its tenant, create tickets, follow tickets and
  upload files;
- ``admin-*`` endpoints, ``POST /ticket/{id}/assignee`` and canned-reply writes need ADMIN;
- ``assignee-*`` endpoints, ticket updates, escalation and the start date need ADMIN or the
  ticket's own assignee (an ASSIGNEE on somebody else's ticket gets 403);
- ``customer-*`` endpoints need a CUSTOMER token, which the sandbox never issues: every
  staff token gets 403 there.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sandbox import auth
from sandbox.finsupport import data
from sandbox.finsupport.enums import MAX_TEXT_LENGTH
from sandbox.http import Request, bad_request, field_error, forbidden, not_found

Errors = list[dict[str, str]]

BASE = "/finsupport/1.0.0"
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
UNKNOWN_VALUE = "unknown value"


# ---- time ---------------------------------------------------------------------------------


def iso_ms(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_iso() -> str:
    return iso_ms(datetime.now(UTC))


def later_than(previous: str | None) -> str:
    """Now, or 1 ms after ``previous`` if the clock has not moved past it."""
    stamp = now_iso()
    if previous and stamp <= previous:
        moment = datetime.fromisoformat(previous.replace("Z", "+00:00"))
        stamp = iso_ms(moment + timedelta(milliseconds=1))
    return stamp


def parse_iso_date(value: Any) -> date:
    if not isinstance(value, str):
        raise ValueError(value)
    return date.fromisoformat(value)


# ---- roles --------------------------------------------------------------------------------


def is_admin(request: Request) -> bool:
    return "ADMIN" in request.user.roles


def require_admin(request: Request) -> None:
    if not is_admin(request):
        raise forbidden("Only an ADMIN may do this")


def require_customer(request: Request) -> None:
    """``customer-*`` endpoints: for end customers' tokens, never staff's."""
    if "CUSTOMER" not in request.user.roles:
        raise forbidden("Only the ticket's customer may do this; staff tokens are refused")


def require_admin_or_assignee(request: Request, ticket: sqlite3.Row) -> None:
    if is_admin(request):
        return
    if "ASSIGNEE" in request.user.roles and ticket["assignee_id"] == request.user.user_id:
        return
    raise forbidden(f"Ticket {ticket['id']} is not assigned to {request.user.user_id}")


def staff_user(request: Request, user_id: str) -> auth.StaffUser | None:
    """A staff user of the caller's tenant; 403 for another tenant's user, None if unknown."""
    user = auth.USERS_BY_ID.get(user_id)
    if user is None:
        return None
    if user.tenant_id != request.user.tenant_id:
        raise forbidden(f"User {user_id} belongs to another tenant")
    return user


# ---- tenant-scoped loads ------------------------------------------------------------------


def own_ticket(connection: sqlite3.Connection, request: Request, ticket_id: str) -> sqlite3.Row:
    row = data.load_ticket(connection, ticket_id)
    if row is None:
        raise not_found(f"Ticket {ticket_id} not found")
    if row["tenant"] != request.user.tenant_id:
        raise forbidden(f"Ticket {ticket_id} belongs to another tenant")
    return row


def read_ticket(request: Request) -> dict[str, Any]:
    with request.store.read() as connection:
        row = own_ticket(connection, request, request.params["ticketId"])
        return data.tickets_json(connection, [row])[0]


def touch_ticket(
    connection: sqlite3.Connection, ticket: sqlite3.Row, **changes: Any
) -> dict[str, Any]:
    """Apply column changes, move ``updatedAt`` forward, and answer the Ticket."""
    changes["updated_at"] = later_than(ticket["updated_at"])
    data.update_ticket(connection, ticket["id"], changes)
    return data.ticket_json(connection, ticket["id"])


# ---- checks -------------------------------------------------------------------------------


def check_enum(value: Any, allowed: tuple[str, ...], name: str, *, required: bool) -> Errors:
    if value is None or value == "":
        return [field_error(name, "is required")] if required else []
    if value not in allowed:
        return [field_error(name, UNKNOWN_VALUE)]
    return []


def is_blank(value: Any) -> bool:
    """``None`` or a string of nothing but whitespace: a text field that was not given."""
    return value is None or (isinstance(value, str) and not value.strip())


def check_text(
    value: Any, name: str, *, required: bool, max_length: int = MAX_TEXT_LENGTH
) -> Errors:
    if is_blank(value):
        return [field_error(name, "is required")] if required else []
    if not isinstance(value, str):
        return [field_error(name, "must be a string")]
    if len(value) > max_length:
        return [field_error(name, f"must be at most {max_length} characters")]
    return []


def required_text(value: Any, name: str, *, max_length: int = MAX_TEXT_LENGTH) -> str:
    """``value`` if it is a non-blank string of at most ``max_length`` characters, else a 400."""
    errors = check_text(value, name, required=True, max_length=max_length)
    if errors or not isinstance(value, str):
        raise bad_request(errors or [field_error(name, "must be a string")])
    return value


def required_enum(value: Any, allowed: tuple[str, ...], name: str) -> str:
    """``value`` if it is one of ``allowed``, else a 400."""
    errors = check_enum(value, allowed, name, required=True)
    if errors or not isinstance(value, str):
        raise bad_request(errors or [field_error(name, UNKNOWN_VALUE)])
    return value


def check_id_list(value: Any, name: str) -> Errors:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return [field_error(name, "must be a list of ids")]
    if len(set(value)) != len(value):
        return [field_error(name, "must not repeat an id")]
    return []


def raise_if(errors: Errors) -> None:
    if errors:
        raise bad_request(errors)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_paging(page_number: Any, page_size: Any) -> Errors:
    errors: Errors = []
    if not _is_int(page_number) or page_number < 1:
        errors.append(field_error("pageNumber", "must be an integer >= 1"))
    if not _is_int(page_size) or not 1 <= page_size <= MAX_PAGE_SIZE:
        errors.append(field_error("pageSize", f"must be an integer between 1 and {MAX_PAGE_SIZE}"))
    return errors


def query_int(request: Request, name: str, default: int) -> Any:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        return raw


def pagination(total: int, page_number: int, page_size: int) -> dict[str, int]:
    return {
        "numberOfPage": -(-total // page_size),
        "totalSize": total,
        "currentPage": page_number,
    }
