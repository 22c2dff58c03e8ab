"""Finsupport canned replies: reply titles (``rt-…``) and their messages (``rm-…``).

Every staff role reads them (they fill the reply box); only ADMIN writes them.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sandbox.finsupport import data
from sandbox.finsupport.common import (
    check_enum,
    check_text,
    is_blank,
    raise_if,
    require_admin,
    required_enum,
    required_text,
)
from sandbox.finsupport.enums import MAX_TITLE_LENGTH, REPLY_TITLE_STATUSES
from sandbox.http import Request, bad_request, field_error, forbidden, not_found


def _title_json(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "title": row["title"], "status": row["status"]}


def _message_json(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "titleId": row["title_id"], "message": row["message"]}


def _own(
    connection: sqlite3.Connection, request: Request, table: str, item_id: str, label: str
) -> sqlite3.Row:
    assert table in ("fs_reply_titles", "fs_reply_messages")
    row: sqlite3.Row | None = connection.execute(
        f"SELECT * FROM {table} WHERE id = ?",  # noqa: S608
        (item_id,),
    ).fetchone()
    if row is None:
        raise not_found(f"{label} {item_id} not found")
    if row["tenant"] != request.user.tenant_id:
        raise forbidden(f"{label} {item_id} belongs to another tenant")
    return row


# ---- titles -------------------------------------------------------------------------------


def list_titles(request: Request) -> list[dict[str, Any]]:
    status = request.query.get("status") or None
    raise_if(check_enum(status, REPLY_TITLE_STATUSES, "status", required=False))
    with request.store.read() as connection:
        rows = connection.execute(
            "SELECT * FROM fs_reply_titles WHERE tenant = ? AND (? IS NULL OR status = ?)"
            " ORDER BY seq",
            (request.user.tenant_id, status, status),
        ).fetchall()
    return [_title_json(row) for row in rows]


def create_title(request: Request) -> dict[str, Any]:
    require_admin(request)
    title = required_text(request.json_object().get("title"), "title", max_length=MAX_TITLE_LENGTH)
    with request.store.write() as connection:
        title_id, seq = data.next_id(connection, "fs_reply_titles")
        row = {
            "id": title_id,
            "seq": seq,
            "tenant": request.user.tenant_id,
            "title": title.strip(),
            "status": "ACTIVE",
        }
        data.insert(connection, "fs_reply_titles", [row])
    return {"id": title_id, "title": row["title"], "status": "ACTIVE"}


def get_title(request: Request) -> dict[str, Any]:
    with request.store.read() as connection:
        return _title_json(
            _own(connection, request, "fs_reply_titles", request.params["titleId"], "Reply title")
        )


def set_title_status(request: Request) -> dict[str, Any]:
    require_admin(request)
    status = required_enum(request.json_object().get("status"), REPLY_TITLE_STATUSES, "status")
    title_id = request.params["titleId"]
    with request.store.write() as connection:
        _own(connection, request, "fs_reply_titles", title_id, "Reply title")
        connection.execute("UPDATE fs_reply_titles SET status = ? WHERE id = ?", (status, title_id))
        row = _own(connection, request, "fs_reply_titles", title_id, "Reply title")
    return _title_json(row)


# ---- messages -----------------------------------------------------------------------------


def list_messages(request: Request) -> list[dict[str, Any]]:
    title_id = request.query.get("titleId") or None
    with request.store.read() as connection:
        rows = connection.execute(
            "SELECT * FROM fs_reply_messages WHERE tenant = ? AND (? IS NULL OR title_id = ?)"
            " ORDER BY seq",
            (request.user.tenant_id, title_id, title_id),
        ).fetchall()
    return [_message_json(row) for row in rows]


def _message_body(
    connection: sqlite3.Connection, request: Request, *, partial: bool
) -> dict[str, str]:
    """The checked ``{titleId?, message?}``: only the fields given (both, unless ``partial``).

    A blank string counts as not given, as it does for a required field.
    """
    body = request.json_object()
    errors = check_text(body.get("titleId"), "titleId", required=not partial, max_length=64)
    errors += check_text(body.get("message"), "message", required=not partial)
    raise_if(errors)
    given: dict[str, str] = {
        name: body[name] for name in ("titleId", "message") if not is_blank(body.get(name))
    }
    if not given:
        raise bad_request([field_error("body", "must change titleId or message")])
    if "titleId" in given:
        title = connection.execute(
            "SELECT tenant FROM fs_reply_titles WHERE id = ?", (given["titleId"],)
        ).fetchone()
        if title is None:
            raise bad_request([field_error("titleId", "unknown reply title")])
        if title["tenant"] != request.user.tenant_id:
            raise forbidden(f"Reply title {given['titleId']} belongs to another tenant")
    return given


def create_message(request: Request) -> dict[str, Any]:
    require_admin(request)
    with request.store.write() as connection:
        body = _message_body(connection, request, partial=False)
        message_id, seq = data.next_id(connection, "fs_reply_messages")
        data.insert(
            connection,
            "fs_reply_messages",
            [
                {
                    "id": message_id,
                    "seq": seq,
                    "tenant": request.user.tenant_id,
                    "title_id": body["titleId"],
                    "message": body["message"],
                }
            ],
        )
    return {"id": message_id, "titleId": body["titleId"], "message": body["message"]}


def get_message(request: Request) -> dict[str, Any]:
    with request.store.read() as connection:
        return _message_json(
            _own(connection, request, "fs_reply_messages", request.params["messageId"], "Message")
        )


def update_message(request: Request) -> dict[str, Any]:
    require_admin(request)
    message_id = request.params["messageId"]
    with request.store.write() as connection:
        row = _own(connection, request, "fs_reply_messages", message_id, "Message")
        body = _message_body(connection, request, partial=True)
        connection.execute(
            "UPDATE fs_reply_messages SET title_id = ?, message = ? WHERE id = ?",
            (
                body.get("titleId", row["title_id"]),
                body.get("message", row["message"]),
                message_id,
            ),
        )
        row = _own(connection, request, "fs_reply_messages", message_id, "Message")
    return _message_json(row)
