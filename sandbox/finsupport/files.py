"""Finsupport files: multipart uploads stored as SQLite BLOBs, metadata, lists and content.

``GET /files/{id}/content`` answers the stored bytes, not JSON: its handler returns a
:class:`FileContent`, a :class:`sandbox.http.RawResponse` that the app sends through its
``wsgi_response`` method.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sandbox.finsupport import data, multipart
from sandbox.finsupport.common import now_iso, own_ticket
from sandbox.finsupport.enums import MAX_FILE_BYTES, MAX_FILES_PER_UPLOAD
from sandbox.http import ApiError, Request, bad_request, field_error, forbidden, not_found

# Room for the multipart framing around the files themselves.
MULTIPART_OVERHEAD = 64 * 1024
LIMIT_TEXT = f"{MAX_FILE_BYTES // (1024 * 1024)} MB"


@dataclass(frozen=True)
class FileContent:
    """A non-JSON answer: the file's bytes with its own Content-Type, as a download."""

    content: bytes
    content_type: str
    file_name: str

    def headers(self) -> list[tuple[str, str]]:
        ascii_name = self.file_name.encode("ascii", "replace").decode("ascii").replace("?", "_")
        disposition = f'attachment; filename="{ascii_name}"'
        if ascii_name != self.file_name:
            disposition += f"; filename*=UTF-8''{quote(self.file_name, safe='')}"
        return [
            ("Content-Type", self.content_type),
            ("Content-Length", str(len(self.content))),
            ("Content-Disposition", disposition),
            ("X-Content-Type-Options", "nosniff"),
            ("Cache-Control", "private, no-store"),
        ]

    def wsgi_response(self, start_response: Any, status: int) -> list[bytes]:
        start_response(f"{status} OK", self.headers())
        return [self.content]


def _too_large(name: str) -> ApiError:
    return ApiError(
        413,
        f"File is larger than the {LIMIT_TEXT} upload limit",
        [field_error(name, f"must be at most {MAX_FILE_BYTES} bytes")],
    )


def _read_parts(request: Request, field_name: str, max_files: int) -> list[multipart.Part]:
    """The request's multipart parts, read straight from the WSGI input with our own cap
    (``Request.body`` caps the whole body at 10 MB, which would leave no room for framing)."""
    try:
        length = int(request.environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_files * MAX_FILE_BYTES + MULTIPART_OVERHEAD:
        raise ApiError(
            413,
            f"Upload is larger than {max_files} file(s) of at most {LIMIT_TEXT} each",
            [field_error(field_name, f"must be at most {MAX_FILE_BYTES} bytes per file")],
        )
    body = request.environ["wsgi.input"].read(length) if length > 0 else b""
    try:
        return multipart.parse(body, request.header("Content-Type"))
    except multipart.MultipartError as exc:
        raise bad_request([field_error("body", str(exc))], "Malformed multipart body") from exc


def _check_ticket(connection: sqlite3.Connection, request: Request, ticket_id: str) -> None:
    row = data.load_ticket(connection, ticket_id)
    if row is None:
        raise bad_request([field_error("ticketId", "unknown ticket")])
    if row["tenant"] != request.user.tenant_id:
        raise forbidden(f"Ticket {ticket_id} belongs to another tenant")


def _store(
    request: Request, files: list[multipart.Part], ticket_id: str | None
) -> list[dict[str, Any]]:
    with request.store.write() as connection:
        if ticket_id:
            _check_ticket(connection, request, ticket_id)
        stored: list[dict[str, Any]] = []
        for part in files:
            file_id, seq = data.next_id(connection, "fs_files")
            row = {
                "id": file_id,
                "seq": seq,
                "tenant": request.user.tenant_id,
                "file_name": multipart.safe_filename(part.filename),
                "content_type": part.content_type,
                "size": len(part.data),
                "uploaded_by": request.user.user_id,
                "uploaded_at": now_iso(),
                "ticket_id": ticket_id,
                "reply_id": None,
                "note_id": None,
                "content": part.data,
            }
            data.insert(connection, "fs_files", [row])
            stored.append(data.file_json(connection, file_id))
    return stored


def _upload(request: Request, field_name: str, max_files: int) -> list[dict[str, Any]]:
    parts = _read_parts(request, field_name, max_files)
    files = [
        part
        for part in parts
        if part.name == field_name and part.filename is not None and (part.filename or part.data)
    ]
    fields = {part.name: part.data for part in parts if part.filename is None}
    if not files:
        raise bad_request([field_error(field_name, "is required (a file part)")])
    if len(files) > max_files:
        raise bad_request([field_error(field_name, f"at most {max_files} files per upload")])
    for part in files:
        if len(part.data) > MAX_FILE_BYTES:
            raise _too_large(field_name)
    ticket_id = fields.get("ticketId", b"").decode("utf-8", "replace").strip() or None
    return _store(request, files, ticket_id)


def upload(request: Request) -> dict[str, Any]:
    return _upload(request, "file", 1)[0]


def upload_multiple(request: Request) -> list[dict[str, Any]]:
    return _upload(request, "files", MAX_FILES_PER_UPLOAD)


def _own_file(connection: sqlite3.Connection, request: Request) -> sqlite3.Row:
    file_id = request.params["fileId"]
    row = data.load_file(connection, file_id)
    if row is None:
        raise not_found(f"File {file_id} not found")
    if row["tenant"] != request.user.tenant_id:
        raise forbidden(f"File {file_id} belongs to another tenant")
    return row


def get_file(request: Request) -> dict[str, Any]:
    with request.store.read() as connection:
        return data.as_file(_own_file(connection, request))


def get_content(request: Request) -> FileContent:
    with request.store.read() as connection:
        row = _own_file(connection, request)
        content = data.file_content(connection, row["id"])
    return FileContent(content, row["content_type"], row["file_name"])


def files_of_ticket(request: Request) -> list[dict[str, Any]]:
    with request.store.read() as connection:
        ticket = own_ticket(connection, request, request.params["ticketId"])
        return data.list_files(connection, request.user.tenant_id, "ticket_id", ticket["id"])


def _files_of(
    kind: str, table: str, column: str, param: str
) -> Callable[[Request], list[dict[str, Any]]]:
    def handler(request: Request) -> list[dict[str, Any]]:
        owner_id = request.params[param]
        with request.store.read() as connection:
            row = connection.execute(
                f"SELECT tenant FROM {table} WHERE id = ?",  # noqa: S608
                (owner_id,),
            ).fetchone()
            if row is None:
                raise not_found(f"{kind} {owner_id} not found")
            if row["tenant"] != request.user.tenant_id:
                raise forbidden(f"{kind} {owner_id} belongs to another tenant")
            return data.list_files(connection, request.user.tenant_id, column, owner_id)

    handler.__name__ = f"files_of_{kind.lower()}"
    return handler


files_of_reply = _files_of("Reply", "fs_replies", "reply_id", "replyId")
files_of_note = _files_of("Note", "fs_notes", "note_id", "noteId")


def my_files(request: Request) -> list[dict[str, Any]]:
    with request.store.read() as connection:
        return data.list_files(
            connection, request.user.tenant_id, "uploaded_by", request.user.user_id
        )


def all_files(request: Request) -> list[dict[str, Any]]:
    with request.store.read() as connection:
        return data.list_files(connection, request.user.tenant_id)


def aggregate(request: Request) -> dict[str, Any]:
    with request.store.read() as connection:
        return data.file_aggregate(connection, request.user.tenant_id)
