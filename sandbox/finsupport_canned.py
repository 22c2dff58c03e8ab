"""Finsupport canned replies: reply titles (``rt-…``) and their messages (``rm-…``).

Every staff role reads them (they fill the reply box); only ADMIN writes them.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sandbox import finsupport_data as data
from sandbox.finsupport_common import check_enum, check_text, raise_if, require_admin
from sandbox.finsupport_enums import MAX_TITLE_LENGTH, REPLY_TITLE_STATUSES
from sandbox.http import Request, field_error, forbidden, not_found


def _title_json(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "title": row["title"], "status": row["status"]}


def _message_json(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "titleId": row["title_id"], "message": row["message"]}


def _own(
    connection: sqlite3.Connection, request: Request, table: str, item_id: str, label: str
) -> sqlite3.Row:
    assert table in ("fs_reply_titles", "fs_reply_messages")
    row = connection.execute(f"SELECT * FROM {table} WHERE id = ?", (item_id,)).fetchone()  # noqa: S608
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
    title = request.json_object().get("title")
    raise_if(check_text(title, "title", required=True, max_length=MAX_TITLE_LENGTH))
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
    status = request.json_object().get("status")
    raise_if(check_enum(status, REPLY_TITLE_STATUSES, "status", required=True))
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


def _message_body(connection: sqlite3.Connection, request: Request, *, partial: bool) -> dict:
    body = request.json_object()
    errors = check_text(body.get("titleId"), "titleId", required=not partial, max_length=64)
    errors += check_text(body.get("message"), "message", required=not partial)
    if partial and not errors and not (body.get("titleId") or body.get("message")):
        errors.append(field_error("body", "must change titleId or message"))
    raise_if(errors)
    if body.get("titleId"):
        title = connection.execute(
            "SELECT tenant FROM fs_reply_titles WHERE id = ?", (body["titleId"],)
        ).fetchone()
        if title is None:
            raise_if([field_error("titleId", "unknown reply title")])
        if title["tenant"] != request.user.tenant_id:
            raise forbidden(f"Reply title {body['titleId']} belongs to another tenant")
    return body


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
                body.get("titleId") or row["title_id"],
                body.get("message") or row["message"],
                message_id,
            ),
        )
        row = _own(connection, request, "fs_reply_messages", message_id, "Message")
    return _message_json(row)
