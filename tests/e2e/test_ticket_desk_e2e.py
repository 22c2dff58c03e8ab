"""The ticket desk over real HTTP: what carol writes through the app is what the gateway holds.

Every test writes, so each gets a private sandbox (``private_backoffice``). Seeded tickets:
``t-00001`` is carol's (OPEN, 4 replies, 2 notes), ``t-00005`` is alice's.
"""

from __future__ import annotations

import os
import re
import secrets
from typing import Any
from urllib.parse import quote

import pytest

from tests.e2e import support
from tests.e2e.support import (
    PrivateBackoffice,
    StaffClient,
    form_fields,
    png_bytes,
    post_form,
    toasts,
)

pytestmark = pytest.mark.e2e

private_backoffice = support.private_backoffice

FINSUPPORT = "/finsupport/1.0.0"
CAROLS = "t-00001"
ALICES = "t-00005"


def _ticket(desk: PrivateBackoffice, ticket_id: str) -> dict[str, Any]:
    return dict(desk.gateway_json(f"{FINSUPPORT}/ticket/{ticket_id}", username="carol"))


def _thread(desk: PrivateBackoffice, ticket_id: str, part: str) -> list[dict[str, Any]]:
    return list(desk.gateway_json(f"{FINSUPPORT}/ticket/{ticket_id}/{part}", username="carol"))


def _ticket_page(client: StaffClient, ticket_id: str) -> str:
    response = client.get(f"/tickets/{ticket_id}/")
    assert response.status_code == 200, response.text
    return str(response.text)


def _followed(client: StaffClient, response: Any, ticket_id: str) -> str:
    assert response.status_code == 302, response.text
    # A note brings the page back on the note tab.
    assert response.headers["Location"].split("?")[0] == f"/tickets/{ticket_id}/"
    return _ticket_page(client, ticket_id)


def _marker() -> str:
    return secrets.token_hex(4)


def _file_links(page: str, entry_testid: str) -> list[tuple[str, str]]:
    """(href, file name) of the attachments shown on one thread entry."""
    match = re.search(
        rf'data-testid="{entry_testid}">(.*?)</div>\s*(?:<ul class="files">(.*?)</ul>)?',
        page,
        re.S,
    )
    assert match, f"no thread entry {entry_testid}"
    return re.findall(r'<a href="(/tickets/files/[^"]+/)">([^<]*)</a>', match.group(2) or "")


# ---- carol works her own ticket --------------------------------------------------------------


def test_carols_reply_with_an_attachment_reaches_the_gateway_once(
    private_backoffice: PrivateBackoffice,
) -> None:
    desk = private_backoffice
    replies_before = _thread(desk, CAROLS, "replies")
    carol = desk.staff("carol")
    content = f"Statement line {_marker()}\n{os.urandom(32).hex()}\n".encode()
    text = f"We found the transfer; it arrives tomorrow. Ref {_marker()}"
    action = f"/tickets/{CAROLS}/reply/send/"
    fields = {**form_fields(_ticket_page(carol, CAROLS), action), "reply-text": text}
    files = [("reply-attachments", ("statement.txt", content, "text/plain"))]

    first = post_form(carol, action, fields, files=files)
    page = _followed(carol, first, CAROLS)
    second = post_form(carol, action, fields, files=files)  # the same form, sent again

    assert "Reply sent." in toasts(page)
    assert second.status_code == 409
    assert "Already saved; nothing was sent again." in second.text
    replies = _thread(desk, CAROLS, "replies")
    assert replies[: len(replies_before)] == replies_before
    (reply,) = replies[len(replies_before) :]
    assert (reply["message"], reply["authorId"], reply["authorRole"]) == (
        text,
        "u-carol",
        "ASSIGNEE",
    )
    (file_id,) = reply["fileIds"]
    meta = desk.gateway_json(f"{FINSUPPORT}/files/{file_id}", username="carol")
    assert (meta["fileName"], meta["contentType"], meta["size"]) == (
        "statement.txt",
        "text/plain",
        len(content),
    )
    assert (meta["ticketId"], meta["replyId"]) == (CAROLS, reply["id"])
    stored = desk.gateway("GET", f"{FINSUPPORT}/files/{file_id}/content", username="carol")
    assert stored.content == content
    assert text in page
    assert _file_links(page, f"reply-{reply['id']}") == [
        (f"/tickets/files/{file_id}/", "statement.txt")
    ]


def test_carols_internal_note_reaches_the_gateway(private_backoffice: PrivateBackoffice) -> None:
    desk = private_backoffice
    notes_before = _thread(desk, CAROLS, "notes")
    replies_before = _thread(desk, CAROLS, "replies")
    carol = desk.staff("carol")
    text = f"Customer called twice, sounded stressed. {_marker()}"
    action = f"/tickets/{CAROLS}/note/send/"
    fields = {**form_fields(_ticket_page(carol, CAROLS), action), "note-text": text}

    page = _followed(carol, post_form(carol, action, fields), CAROLS)

    assert "Internal note added." in toasts(page)
    notes = _thread(desk, CAROLS, "notes")
    assert len(notes) == len(notes_before) + 1
    note = notes[-1]
    assert (note["note"], note["authorId"], note["authorRole"], note["fileIds"]) == (
        text,
        "u-carol",
        "ASSIGNEE",
        [],
    )
    assert _thread(desk, CAROLS, "replies") == replies_before  # the customer sees nothing new
    assert re.search(
        rf'class="entry entry-note" data-testid="note-{note["id"]}">\s*<p class="entry-head">\s*'
        r'<strong class="note-label">Internal note — not visible to the customer</strong>',
        page,
    )


def test_carols_status_change_reaches_the_gateway(private_backoffice: PrivateBackoffice) -> None:
    desk = private_backoffice
    before = _ticket(desk, CAROLS)
    assert before["status"] == "OPEN"
    carol = desk.staff("carol")
    action = f"/tickets/{CAROLS}/actions/status/"
    fields = {**form_fields(_ticket_page(carol, CAROLS), action), "status-status": "IN_PROGRESS"}

    page = _followed(carol, post_form(carol, action, fields), CAROLS)

    assert "Status changed." in toasts(page)
    assert 'data-testid="ticket-status">In progress</span>' in page
    after = _ticket(desk, CAROLS)
    assert after["status"] == "IN_PROGRESS"
    assert after["updatedAt"] > before["updatedAt"]
    unchanged = {key: value for key, value in after.items() if key not in ("status", "updatedAt")}
    assert unchanged == {key: before[key] for key in unchanged}
    audit = desk.staff("alice").get(f"/audit/?target={CAROLS}").text
    assert "ticket.status" in audit


# ---- what carol may not do -------------------------------------------------------------------


def test_carol_may_not_close_or_assign_even_her_own_ticket(
    private_backoffice: PrivateBackoffice,
) -> None:
    desk = private_backoffice
    before = _ticket(desk, CAROLS)
    carol = desk.staff("carol")
    page = _ticket_page(carol, CAROLS)
    assert f'action="/tickets/{CAROLS}/actions/close/"' not in page
    csrf = support.csrf_token(page)

    for action, fields in (
        ("close", {"close-reason": "Solved on the phone"}),
        ("complete", {}),
        ("assign", {"assign-assignee": "u-carol"}),
    ):
        response = post_form(
            carol,
            f"/tickets/{CAROLS}/actions/{action}/",
            {"csrfmiddlewaretoken": csrf, f"{action}-form_token": "forged", **fields},
        )
        assert response.status_code == 403, action
        assert "Only an admin may do this." in response.text

    assert _ticket(desk, CAROLS) == before
    assert "Nothing has been recorded yet." in desk.staff("alice").get("/audit/").text


def test_carol_may_not_write_on_a_ticket_assigned_to_someone_else(
    private_backoffice: PrivateBackoffice,
) -> None:
    desk = private_backoffice
    before = {part: _thread(desk, ALICES, part) for part in ("replies", "notes")}
    ticket_before = _ticket(desk, ALICES)
    carol = desk.staff("carol")
    page = _ticket_page(carol, ALICES)
    assert 'id="composer"' not in page
    csrf = support.csrf_token(page)

    for path, fields in (
        ("reply/send/", {"reply-text": "Hello from carol"}),
        ("note/send/", {"note-text": "Note from carol"}),
        ("actions/status/", {"status-status": "IN_PROGRESS"}),
        ("actions/escalate/", {"escalate-reason": "Because"}),
    ):
        response = post_form(
            carol, f"/tickets/{ALICES}/{path}", {"csrfmiddlewaretoken": csrf, **fields}
        )
        assert response.status_code == 403, path

    assert {part: _thread(desk, ALICES, part) for part in ("replies", "notes")} == before
    assert _ticket(desk, ALICES) == ticket_before


# ---- attachments round trip ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file_name", "content_type", "make"),
    [
        ("screenshot.png", "image/png", png_bytes),
        ("Kontoauszug März.txt", "text/plain", lambda: "Überweisung €1.250\n".encode() * 3),
        ("export.csv", "text/csv", lambda: b"date,amount\r\n2026-11-02,-1250.00\r\n"),
    ],
    ids=["png", "non-ascii-name", "csv"],
)
def test_an_attachment_downloads_through_the_app_byte_for_byte(
    private_backoffice: PrivateBackoffice, file_name: str, content_type: str, make: Any
) -> None:
    desk = private_backoffice
    carol = desk.staff("carol")
    # Random, so the bytes found are this test's; text stays text (its type is read from it).
    content = make() + os.urandom(16).hex().encode()
    action = f"/tickets/{CAROLS}/note/send/"
    fields = {
        **form_fields(_ticket_page(carol, CAROLS), action),
        "note-text": f"Attachment {_marker()}",
    }
    posted = post_form(
        carol, action, fields, files=[("note-attachments", (file_name, content, content_type))]
    )
    page = _followed(carol, posted, CAROLS)
    note = _thread(desk, CAROLS, "notes")[-1]
    ((href, shown_name),) = _file_links(page, f"note-{note['id']}")
    assert shown_name == file_name

    download = carol.get(href)

    assert download.status_code == 200
    assert download.content == content
    assert download.headers["Content-Type"] == content_type
    assert download.headers["Content-Length"] == str(len(content))
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert f"filename*=UTF-8''{quote(file_name)}" in disposition
