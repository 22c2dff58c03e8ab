"""Finsupport replies (seen by the customer) and notes (internal), with file attachments."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from sandbox.finsupport import data
from sandbox.finsupport.common import (
    check_id_list,
    check_text,
    own_ticket,
    raise_if,
    read_ticket,
    require_admin,
    require_admin_or_assignee,
    require_customer,
    touch_ticket,
)
from sandbox.http import Request, field_error, forbidden, not_found

# kind -> (table, text field, file column)
KINDS = {
    "reply": ("fs_replies", "message", "reply_id"),
    "note": ("fs_notes", "note", "note_id"),
}


def attach_files(
    connection: sqlite3.Connection,
    request: Request,
    file_ids: list[str],
    ticket_id: str,
    column: str,
    owner_id: str,
) -> None:
    """Point each file at the ticket and the reply or note; every id is checked first."""
    errors = []
    for index, file_id in enumerate(file_ids):
        name = f"fileIds[{index}]"
        row = data.load_file(connection, file_id)
        if row is None:
            errors.append(field_error(name, "unknown file"))
        elif row["tenant"] != request.user.tenant_id:
            raise forbidden(f"File {file_id} belongs to another tenant")
        elif row["reply_id"] or row["note_id"]:
            errors.append(field_error(name, "is already attached to a reply or note"))
        elif row["ticket_id"] not in (None, ticket_id):
            errors.append(field_error(name, "belongs to another ticket"))
    raise_if(errors)
    connection.executemany(
        f"UPDATE fs_files SET ticket_id = ?, {column} = ? WHERE id = ?",  # noqa: S608
        [(ticket_id, owner_id, file_id) for file_id in file_ids],
    )


def _public(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key != "_tenant"}


def _writer(kind: str, author_role: str) -> Callable[[Request], dict[str, Any]]:
    """A handler for ``POST /ticket/{id}/<role>-reply`` or ``-note``; ``author_role`` says
    who may call it (see the role rules in ``sandbox.finsupport.common``)."""
    table, text_field, file_column = KINDS[kind]

    def handler(request: Request) -> dict[str, Any]:
        if author_role == "ADMIN":
            require_admin(request)
        elif author_role == "CUSTOMER":
            require_customer(request)
        body = request.json_object()
        file_ids = body.get("fileIds")
        errors = check_text(body.get(text_field), text_field, required=True)
        errors += check_id_list(file_ids, "fileIds")
        raise_if(errors)
        with request.store.write() as connection:
            ticket = own_ticket(connection, request, request.params["ticketId"])
            if author_role == "ASSIGNEE":
                require_admin_or_assignee(request, ticket)
            item_id, seq = data.next_id(connection, table)
            ticket_json = touch_ticket(connection, ticket)
            row = {
                "id": item_id,
                "seq": seq,
                "tenant": request.user.tenant_id,
                "ticket_id": ticket["id"],
                "author_id": request.user.user_id,
                "author_role": author_role,
                text_field: body[text_field],
                "created_at": ticket_json["updatedAt"],
            }
            data.insert(connection, table, [row])
            attach_files(connection, request, file_ids or [], ticket["id"], file_column, item_id)
            item = data.thread_items(connection, kind, item_id=item_id)[0]
        return _public(item)

    handler.__name__ = f"{author_role.lower()}_{kind}"
    return handler


admin_reply = _writer("reply", "ADMIN")
assignee_reply = _writer("reply", "ASSIGNEE")
customer_reply = _writer("reply", "CUSTOMER")
admin_note = _writer("note", "ADMIN")
assignee_note = _writer("note", "ASSIGNEE")


def _thread(kind: str) -> Callable[[Request], list[dict[str, Any]]]:
    def handler(request: Request) -> list[dict[str, Any]]:
        ticket = read_ticket(request)
        with request.store.read() as connection:
            items = data.thread_items(connection, kind, ticket_id=ticket["id"], item_id=None)
        return [_public(item) for item in items]

    handler.__name__ = f"list_{kind}s"
    return handler


list_replies = _thread("reply")
list_notes = _thread("note")


def _one(kind: str, param: str) -> Callable[[Request], dict[str, Any]]:
    def handler(request: Request) -> dict[str, Any]:
        item_id = request.params[param]
        with request.store.read() as connection:
            found = data.thread_items(connection, kind, item_id=item_id)
        if not found:
            raise not_found(f"{kind.capitalize()} {item_id} not found")
        if found[0]["_tenant"] != request.user.tenant_id:
            raise forbidden(f"{kind.capitalize()} {item_id} belongs to another tenant")
        return _public(found[0])

    handler.__name__ = f"get_{kind}"
    return handler


get_reply = _one("reply", "replyId")
get_note = _one("note", "noteId")
