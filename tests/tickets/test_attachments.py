"""Attachments: uploaded in one multipart call before the message, checked before anything is
sent, and downloaded through the app with the exact bytes and safe headers."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
import responses
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from backoffice.models import AuditRecord
from tests.conftest import TENANT
from tests.tickets.factories import (
    FINSUPPORT,
    TICKET_ID,
    TOKENS,
    called,
    file_json,
    form_token,
    html,
    json_body,
    multipart_parts,
    note_json,
    register_ticket_page,
    reply_json,
    textarea,
    ticket_url,
    writes_sent,
)

UPLOAD = FINSUPPORT + "/files/upload-multiple"
PAGE = f"/tickets/{TICKET_ID}/"
# Every byte value, NUL and CR/LF included, in an order no text codec would keep.
PDF_BYTES = b"%PDF-1.7\n" + bytes(random.Random(20261124).randrange(256) for _ in range(3000))
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


@pytest.fixture
def carol(sign_in: Callable[..., Client]) -> Client:
    return sign_in("carol")


def upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def send(
    client: Client, kind: str, text: str, files: list[SimpleUploadedFile], username: str = "carol"
) -> Any:
    return client.post(
        f"{PAGE}{kind}/send/",
        {
            f"{kind}-text": text,
            f"{kind}-form_token": form_token(username, kind, TICKET_ID),
            f"{kind}-attachments": files,
        },
    )


def uploaded_answer(*names: str) -> list[dict[str, Any]]:
    return [file_json(f"f-{100 + n:05}", name) for n, name in enumerate(names)]


# Upload, then the message with the file ids


def test_a_reply_with_two_files_uploads_them_in_one_call_then_sends_their_ids(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.post(UPLOAD, json=uploaded_answer("statement.pdf", "screen.png"))
    gateway.post(ticket_url(suffix="/assignee-reply"), json=reply_json("r-00010", "2026-11-05"))
    response = send(
        carol,
        "reply",
        "Here is what we found.",
        [
            upload("statement.pdf", PDF_BYTES, "application/pdf"),
            upload("screen.png", PNG_BYTES, "image/png"),
        ],
    )
    assert response.status_code == 302
    assert response["Location"] == PAGE
    upload_call, reply_call = writes_sent(gateway)
    assert (upload_call.method, upload_call.url) == ("POST", UPLOAD)
    assert upload_call.headers["Authorization"] == f"Bearer {TOKENS['carol']}"
    assert upload_call.headers["tenantId"] == TENANT
    parts = multipart_parts(upload_call)
    files = [p for p in parts if p["name"] == "files"]
    assert [(p["filename"], p["content_type"]) for p in files] == [
        ("statement.pdf", "application/pdf"),
        ("screen.png", "image/png"),
    ]
    assert files[0]["content"] == PDF_BYTES
    assert files[1]["content"] == PNG_BYTES
    [ticket_part] = [p for p in parts if p["name"] == "ticketId"]
    assert ticket_part["content"] == TICKET_ID.encode()
    assert len(parts) == 3
    assert (reply_call.method, reply_call.url) == ("POST", ticket_url(suffix="/assignee-reply"))
    assert json_body(reply_call) == {
        "message": "Here is what we found.",
        "fileIds": ["f-00100", "f-00101"],
    }
    records = {r.action: r for r in AuditRecord.objects.all()}
    assert set(records) == {"ticket.upload", "ticket.reply"}
    assert records["ticket.upload"].outcome == "ok"
    assert records["ticket.upload"].summary["files"] == [
        {"name": "statement.pdf", "size": len(PDF_BYTES), "type": "application/pdf"},
        {"name": "screen.png", "size": len(PNG_BYTES), "type": "image/png"},
    ]
    assert records["ticket.reply"].summary["files"] == ["statement.pdf", "screen.png"]


def test_an_admins_note_with_a_file_sends_its_id_with_the_note(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    alice = sign_in("alice")
    register_ticket_page(gateway)
    gateway.post(UPLOAD, json=uploaded_answer("trace.txt"))
    gateway.post(ticket_url(suffix="/admin-note"), json=note_json("n-00010", "2026-11-05"))
    response = send(
        alice, "note", "Bank trace attached.", [upload("trace.txt", b"ok\n", "text/plain")], "alice"
    )
    assert response.status_code == 302
    upload_call, note_call = writes_sent(gateway)
    assert upload_call.url == UPLOAD
    assert upload_call.headers["Authorization"] == f"Bearer {TOKENS['alice']}"
    assert note_call.url == ticket_url(suffix="/admin-note")
    assert json_body(note_call) == {"note": "Bank trace attached.", "fileIds": ["f-00100"]}


def test_a_message_without_files_makes_no_upload_call(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.post(ticket_url(suffix="/assignee-reply"), json=reply_json("r-00010", "2026-11-05"))
    assert send(carol, "reply", "No files", []).status_code == 302
    assert called(gateway, "POST", UPLOAD) == []


def test_a_failed_upload_sends_no_message_and_keeps_the_text_and_file_names(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.post(
        UPLOAD,
        status=500,
        json={"status": 500, "error": "Internal Server Error", "message": "File store down"},
    )
    response = send(
        carol, "reply", "See attached", [upload("statement.pdf", PDF_BYTES, "application/pdf")]
    )
    page = html(response)
    assert response.status_code == 502
    assert "File store down" in page
    assert f"Request id {response['X-Request-ID']}" in page
    assert textarea(page, "reply-text") == "See attached"
    assert "Select these files again before sending: statement.pdf" in page
    assert [w.url for w in writes_sent(gateway)] == [UPLOAD]
    record = AuditRecord.objects.get()
    assert (record.action, record.outcome, record.gateway_status) == (
        "ticket.upload",
        "GatewayUnavailable",
        500,
    )


def test_a_file_the_gateway_refuses_as_too_large_is_shown_as_a_rejection(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.post(
        UPLOAD,
        status=413,
        json={
            "status": 413,
            "error": "Payload Too Large",
            "message": "statement.pdf is larger than 10 MB",
            "errors": [{"field": "files", "message": "larger than 10 MB"}],
        },
    )
    response = send(
        carol, "reply", "See", [upload("statement.pdf", b"%PDF-1.4", "application/pdf")]
    )
    page = html(response)
    assert "statement.pdf is larger than 10 MB" in page
    assert "could not read" not in page
    assert response.status_code == 400


def test_a_double_submitted_reply_with_files_uploads_them_once(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.post(UPLOAD, json=uploaded_answer("a.txt"))
    gateway.post(ticket_url(suffix="/assignee-reply"), json=reply_json("r-00010", "2026-11-05"))
    token = form_token("carol", "reply", TICKET_ID)
    for expected in (302, 409):
        response = carol.post(
            f"{PAGE}reply/send/",
            {
                "reply-text": "Once",
                "reply-form_token": token,
                "reply-attachments": [upload("a.txt", b"text", "text/plain")],
            },
        )
        assert response.status_code == expected
    assert [w.url for w in writes_sent(gateway)] == [UPLOAD, ticket_url(suffix="/assignee-reply")]


# Checked before anything is sent


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_sent(
    carol: Client, gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.TICKET_UPLOAD_MAX_BYTES = 100
    register_ticket_page(gateway)
    response = send(
        carol,
        "reply",
        "Two files",
        [
            upload("small.txt", b"x" * 100, "text/plain"),
            upload("big.pdf", b"x" * 101, "application/pdf"),
        ],
    )
    page = html(response)
    assert response.status_code == 400
    assert "big.pdf is 101\xa0bytes; the limit is 100\xa0bytes." in page
    assert "small.txt is" not in page
    assert textarea(page, "reply-text") == "Two files"
    assert "Select these files again before sending: small.txt, big.pdf" in page
    assert writes_sent(gateway) == []
    assert AuditRecord.objects.count() == 0


ALLOWED_TEXT = "Allowed: PDF document, PNG image, JPEG image, plain-text file, CSV file."


@pytest.mark.parametrize(
    ("name", "content", "content_type", "why"),
    [
        (
            "setup.exe",
            b"MZ\x90\x00",
            "application/x-msdownload",
            "its content is not a type we recognise",
        ),
        ("page.html", b"<!doctype html><p>Hi</p>", "text/html", "it holds HTML, SVG or script"),
        ("image.svg", b"<svg onload=alert(1)/>", "image/svg+xml", "it holds HTML, SVG or script"),
        # What the browser declares is not believed (finding 12).
        (
            "photo.png",
            b"<html><script>alert(1)</script>",
            "image/png",
            "it holds HTML, SVG or script",
        ),
        ("notes.txt", b"<script>alert(1)</script>", "text/plain", "it holds HTML, SVG or script"),
        ("photo.png", b"\x89PNG-not-quite", "image/png", "its content is not a type we recognise"),
    ],
)
def test_a_file_whose_bytes_are_not_an_allowed_type_is_refused_and_nothing_is_sent(
    carol: Client,
    gateway: responses.RequestsMock,
    name: str,
    content: bytes,
    content_type: str,
    why: str,
) -> None:
    register_ticket_page(gateway)
    response = send(carol, "note", "Have a look", [upload(name, content, content_type)])
    page = html(response)
    assert response.status_code == 400
    assert f"{name} is refused: {why}. {ALLOWED_TEXT}" in page
    assert textarea(page, "note-text") == "Have a look"
    assert writes_sent(gateway) == []
    assert AuditRecord.objects.count() == 0


def test_bytes_of_another_type_than_the_browser_declared_are_refused(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    response = send(carol, "reply", "x", [upload("scan.png", PDF_BYTES, "image/png")])
    assert response.status_code == 400
    assert "scan.png was sent as image/png, but its content is a PDF document." in html(response)
    assert writes_sent(gateway) == []


def test_the_gateway_is_sent_the_type_of_the_bytes_not_the_browsers(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.post(UPLOAD, json=uploaded_answer("screen.png", "export.csv"))
    gateway.post(ticket_url(suffix="/assignee-reply"), json=reply_json("r-00010", "2026-11-05"))
    files = [
        upload("screen.png", PNG_BYTES, "application/octet-stream"),
        upload("export.csv", b"date,amount\r\n2026-11-02,-1250.00\r\n", "application/vnd.ms-excel"),
    ]
    assert send(carol, "reply", "Both", files).status_code == 302
    parts = [p for p in multipart_parts(writes_sent(gateway)[0]) if p["name"] == "files"]
    assert [(p["filename"], p["content_type"]) for p in parts] == [
        ("screen.png", "image/png"),
        ("export.csv", "text/csv"),
    ]
    assert parts[0]["content"] == PNG_BYTES
    record = AuditRecord.objects.get(action="ticket.upload")
    assert [f["type"] for f in record.summary["files"]] == ["image/png", "text/csv"]


def test_a_chosen_file_name_with_markup_is_escaped_when_shown_again(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    name = "<img src=x onerror=alert(1)>.exe"
    response = send(carol, "reply", "x", [upload(name, b"MZ", "application/x-msdownload")])
    page = html(response)
    assert response.status_code == 400
    assert "&lt;img src=x onerror=alert(1)&gt;.exe was sent as application/x-msdownload" in page
    assert "Select these files again before sending: &lt;img src=x onerror=alert(1)&gt;.exe" in page
    assert "<img src=x" not in page
    assert writes_sent(gateway) == []


@pytest.mark.parametrize("limit", [5, 2])
def test_more_files_than_the_limit_are_refused_and_nothing_is_sent(
    carol: Client, gateway: responses.RequestsMock, settings: Any, limit: int
) -> None:
    settings.TICKET_UPLOAD_MAX_FILES = limit
    register_ticket_page(gateway)
    files = [upload(f"page-{n}.txt", b"text", "text/plain") for n in range(limit + 1)]
    response = send(carol, "reply", "Many pages", files)
    assert response.status_code == 400
    assert f"Attach at most {limit} files at once." in html(response)
    assert writes_sent(gateway) == []


def test_exactly_the_limit_of_files_is_accepted(
    carol: Client, gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.TICKET_UPLOAD_MAX_FILES = 2
    register_ticket_page(gateway)
    gateway.post(UPLOAD, json=uploaded_answer("a.txt", "b.txt"))
    gateway.post(ticket_url(suffix="/assignee-reply"), json=reply_json("r-00010", "2026-11-05"))
    files = [upload(name, b"text", "text/plain") for name in ("a.txt", "b.txt")]
    assert send(carol, "reply", "Two pages", files).status_code == 302
    assert len([p for p in multipart_parts(writes_sent(gateway)[0]) if p["name"] == "files"]) == 2


def test_a_forbidden_message_with_files_uploads_nothing(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    bob = sign_in("bob")
    register_ticket_page(gateway)
    response = send(bob, "reply", "x", [upload("a.txt", b"text", "text/plain")], "bob")
    assert response.status_code == 403
    assert writes_sent(gateway) == []


# Download through the app


def register_file(
    gateway: responses.RequestsMock,
    file_id: str,
    name: str,
    content: bytes,
    content_type: str = "application/pdf",
) -> None:
    gateway.get(
        f"{FINSUPPORT}/files/{file_id}",
        json=file_json(file_id, name, contentType=content_type, size=len(content)),
    )
    gateway.get(
        f"{FINSUPPORT}/files/{file_id}/content",
        body=content,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{file_id}"'},
    )


def test_a_download_answers_the_exact_bytes_with_the_files_type_and_name(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_file(gateway, "f-1", "statement.pdf", PDF_BYTES)
    response = carol.get("/tickets/files/f-1/")
    assert response.status_code == 200
    assert response.content == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF_BYTES))
    assert response["Content-Disposition"] == (
        "attachment; filename=\"statement.pdf\"; filename*=UTF-8''statement.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX_CSP
    assert "no-store" in response["Cache-Control"]
    sent = sorted((c.request.method, c.request.url) for c in gateway.calls)
    assert sent == [
        ("GET", f"{FINSUPPORT}/files/f-1"),
        ("GET", f"{FINSUPPORT}/files/f-1/content"),
    ]
    for call in gateway.calls:
        assert call.request.headers["Authorization"] == f"Bearer {TOKENS['carol']}"
        assert call.request.headers["tenantId"] == TENANT


SANDBOX_CSP = "sandbox; default-src 'none'"


@pytest.mark.parametrize(
    ("name", "declared", "content"),
    [
        ("page.html", "text/html", b"<!doctype html><script>alert(document.cookie)</script>"),
        (
            "logo.svg",
            "image/svg+xml",
            b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        ),
        ("notes.txt", "text/plain", b"<html><body onload=alert(1)>"),
        ("tool.exe", "application/x-msdownload", b"MZ\x90\x00\x03\x00"),
    ],
)
def test_a_stored_page_or_script_is_served_only_as_a_plain_sandboxed_download(
    carol: Client, gateway: responses.RequestsMock, name: str, declared: str, content: bytes
) -> None:
    register_file(gateway, "f-6", name, content, declared)
    response = carol.get("/tickets/files/f-6/")
    assert response.status_code == 200
    assert response.content == content
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment; ")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX_CSP


@pytest.mark.parametrize(
    ("name", "declared", "content", "served_as"),
    [
        ("screen.png", "text/html", PNG_BYTES, "image/png"),
        ("statement.pdf", "image/svg+xml", PDF_BYTES, "application/pdf"),
        ("export.csv", "text/html", b"date,amount\r\n2026-11-02,-1250.00\r\n", "text/csv"),
    ],
)
def test_a_download_is_served_as_the_type_its_bytes_are_not_the_type_the_gateway_claims(
    carol: Client,
    gateway: responses.RequestsMock,
    name: str,
    declared: str,
    content: bytes,
    served_as: str,
) -> None:
    register_file(gateway, "f-7", name, content, declared)
    response = carol.get("/tickets/files/f-7/")
    assert response.status_code == 200
    assert response.content == content
    assert response["Content-Type"] == served_as
    assert response["Content-Disposition"].startswith("attachment; ")
    assert response["Content-Security-Policy"] == SANDBOX_CSP


@pytest.mark.parametrize("username", ["alice", "bob", "carol"])
def test_a_download_never_carries_the_bearer_token(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock, username: str
) -> None:
    client = sign_in(username)
    register_file(gateway, "f-1", "screen.png", PNG_BYTES, "image/png")
    response = client.get("/tickets/files/f-1/")
    assert response.status_code == 200
    assert response.content == PNG_BYTES
    for name, value in response.items():
        assert TOKENS[username] not in value, name
        assert "Bearer" not in value, name
    assert TOKENS[username].encode() not in response.content


def test_a_non_ascii_file_name_gets_a_safe_ascii_fallback(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_file(gateway, "f-2", "Überweisung.pdf", b"%PDF-1.4\x00")
    response = carol.get("/tickets/files/f-2/")
    disposition = response["Content-Disposition"]
    assert disposition == (
        "attachment; filename=\"_berweisung.pdf\"; filename*=UTF-8''%C3%9Cberweisung.pdf"
    )
    disposition.encode("ascii")


@pytest.mark.parametrize(
    "name",
    ["<img src=x onerror=alert(1)>.txt", 'a";\r\nSet-Cookie: x=1.txt', "..\\..\\boot.ini"],
)
def test_a_hostile_file_name_cannot_break_out_of_the_header(
    carol: Client, gateway: responses.RequestsMock, name: str
) -> None:
    register_file(gateway, "f-8", name, b"text", "text/plain")
    response = carol.get("/tickets/files/f-8/")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    fallback = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert set(fallback) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
    assert "\r" not in disposition and "\n" not in disposition
    assert "Set-Cookie" not in response


def test_a_file_the_gateway_does_not_have_is_our_not_found_page(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    missing = {"status": 404, "error": "Not Found", "message": "File f-404 not found"}
    gateway.get(f"{FINSUPPORT}/files/f-404", status=404, json=missing)
    gateway.get(f"{FINSUPPORT}/files/f-404/content", status=404, json=missing)
    response = carol.get("/tickets/files/f-404/")
    page = html(response)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "<h1>Not found</h1>" in page
    assert "File f-404 not found" in page
    assert "Content-Disposition" not in response


def test_a_file_whose_bytes_are_missing_is_not_found_too(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(f"{FINSUPPORT}/files/f-5", json=file_json("f-5", "gone.pdf"))
    gateway.get(f"{FINSUPPORT}/files/f-5/content", status=404, json={"status": 404})
    response = carol.get("/tickets/files/f-5/")
    assert response.status_code == 404
    assert "Content-Disposition" not in response


def test_a_file_id_that_cannot_be_a_gateway_id_asks_nothing(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    response = carol.get("/tickets/files/f%201%3Cx%3E/")
    assert response.status_code == 404
    assert len(gateway.calls) == 0


def test_a_download_needs_sign_in(client: Client, gateway: responses.RequestsMock) -> None:
    response = client.get("/tickets/files/f-1/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert len(gateway.calls) == 0
