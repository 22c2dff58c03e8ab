"""Ticket writes by role: the endpoint and body each sends, refusals that send nothing, audit,
and nothing lost or doubled when the gateway fails."""

from __future__ import annotations

import re
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
    file_json,
    form_token,
    html,
    json_body,
    note_json,
    register_ticket_page,
    reply_json,
    textarea,
    ticket_json,
    ticket_url,
    writes_sent,
)

PAGE = f"/tickets/{TICKET_ID}/"


def post_message(
    client: Client,
    username: str,
    kind: str,
    text: str,
    *,
    token: str | None = None,
    ticket_id: str = TICKET_ID,
    attachments: list[Any] | None = None,
) -> Any:
    data: dict[str, Any] = {
        f"{kind}-text": text,
        f"{kind}-form_token": token or form_token(username, kind, ticket_id),
    }
    if attachments:
        data[f"{kind}-attachments"] = attachments
    return client.post(f"/tickets/{ticket_id}/{kind}/send/", data)


def post_action(
    client: Client,
    username: str,
    action: str,
    fields: dict[str, str],
    *,
    token: str | None = None,
    ticket_id: str = TICKET_ID,
) -> Any:
    data = {f"{action}-{name}": value for name, value in fields.items()}
    data[f"{action}-form_token"] = token or form_token(username, action, ticket_id)
    return client.post(f"/tickets/{ticket_id}/actions/{action}/", data)


def assert_one_write(
    gateway: responses.RequestsMock, username: str, method: str, url: str, body: Any
) -> None:
    [sent] = writes_sent(gateway)
    assert (sent.method, sent.url) == (method, url)
    assert sent.headers["Authorization"] == f"Bearer {TOKENS[username]}"
    assert sent.headers["tenantId"] == TENANT
    assert sent.headers["Content-Type"] == "application/json"
    assert json_body(sent) == body


def assert_audited(response: Any, username: str, action: str, body: Any) -> None:
    record = AuditRecord.objects.get()
    assert record.action == f"ticket.{action}"
    assert (record.target_type, record.target_id) == ("ticket", TICKET_ID)
    assert record.outcome == "ok"
    assert record.gateway_status is None
    assert record.staff_user_id == f"u-{username}"
    assert record.request_id == response["X-Request-ID"]
    assert record.summary["body"] == body


@pytest.fixture
def carol(sign_in: Callable[..., Client]) -> Client:
    return sign_in("carol")


@pytest.fixture
def alice(sign_in: Callable[..., Client]) -> Client:
    return sign_in("alice")


# Replies and notes, by role


@pytest.mark.parametrize(
    ("username", "kind", "endpoint", "field", "answer"),
    [
        ("carol", "reply", "/assignee-reply", "message", reply_json("r-00010", "2026-11-05")),
        ("alice", "reply", "/admin-reply", "message", reply_json("r-00010", "2026-11-05")),
        ("carol", "note", "/assignee-note", "note", note_json("n-00010", "2026-11-05")),
        ("alice", "note", "/admin-note", "note", note_json("n-00010", "2026-11-05")),
    ],
)
def test_a_message_goes_to_the_endpoint_of_the_writers_role(
    sign_in: Callable[..., Client],
    gateway: responses.RequestsMock,
    username: str,
    kind: str,
    endpoint: str,
    field: str,
    answer: dict[str, Any],
) -> None:
    client = sign_in(username)
    register_ticket_page(gateway)
    gateway.post(ticket_url(suffix=endpoint), json=answer)
    text = "We have raised it with the bank.\nExpect an answer in 2 days."
    response = post_message(client, username, kind, text)
    assert response.status_code == 302
    # After a note the page opens on the note tab again.
    assert response["Location"] == (PAGE if kind == "reply" else f"{PAGE}?composer=note#composer")
    body = {field: text, "fileIds": []}
    assert_one_write(gateway, username, "POST", ticket_url(suffix=endpoint), body)
    assert_audited(response, username, kind, body)


def test_after_a_reply_the_page_says_it_was_sent(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.post(ticket_url(suffix="/assignee-reply"), json=reply_json("r-00010", "2026-11-05"))
    response = carol.post(
        f"{PAGE}reply/send/",
        {"reply-text": "Done.", "reply-form_token": form_token("carol", "reply", TICKET_ID)},
        follow=True,
    )
    assert response.redirect_chain == [(PAGE, 302)]
    assert '<p class="toast toast-success">Reply sent.</p>' in html(response)


def test_an_empty_message_is_refused_and_nothing_is_sent(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    response = post_message(carol, "carol", "note", "")
    assert response.status_code == 400
    assert "This field is required." in html(response)
    assert writes_sent(gateway) == []
    assert AuditRecord.objects.count() == 0


def test_an_unknown_message_kind_is_not_found(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    response = post_message(carol, "carol", "shout", "hello")
    assert response.status_code == 404
    assert len(gateway.calls) == 0


# Ticket actions, by role


ACTIONS = [
    # (user, action, form fields, method, endpoint, body)
    ("carol", "status", {"status": "IN_PROGRESS"}, "PUT", "/assignee-status", None),
    ("alice", "status", {"status": "COMPLETED"}, "PUT", "/admin-status", None),
    ("carol", "escalate", {"reason": "Bank needs a trace"}, "PUT", "/escalate", None),
    ("alice", "escalate", {"reason": "Fraud suspected"}, "PUT", "/escalate", None),
    ("alice", "close", {"reason": "Resolved by phone"}, "PUT", "/admin-close", None),
    ("alice", "complete", {}, "PUT", "/admin-complete", {}),
    ("alice", "assign", {"assignee": "u-alice"}, "POST", "/assignee", {"assigneeId": "u-alice"}),
    ("carol", "follow", {"follower": "u-erin"}, "POST", "/follower", {"followerId": "u-erin"}),
    ("bob", "follow", {"follower": "u-bob"}, "POST", "/follower", {"followerId": "u-bob"}),
    (
        "carol",
        "start_date",
        {"start_date": "2026-11-20"},
        "PUT",
        "/start-date",
        {"startDate": "2026-11-20"},
    ),
    (
        "carol",
        "edit",
        {
            "title_text": "Card payment declined (3DS)",
            "description": "3DS timeout at the issuer.",
            "category": "CARDS",
            "priority": "URGENT",
        },
        "PUT",
        "",
        {
            "title": "Card payment declined (3DS)",
            "description": "3DS timeout at the issuer.",
            "category": "CARDS",
            "priority": "URGENT",
        },
    ),
]


@pytest.mark.parametrize(
    ("username", "action", "fields", "method", "endpoint", "body"),
    ACTIONS,
    ids=[f"{a[0]}-{a[1]}" for a in ACTIONS],
)
def test_each_action_sends_its_body_to_the_endpoint_of_the_role(
    sign_in: Callable[..., Client],
    gateway: responses.RequestsMock,
    username: str,
    action: str,
    fields: dict[str, str],
    method: str,
    endpoint: str,
    body: dict[str, Any] | None,
) -> None:
    client = sign_in(username)
    register_ticket_page(gateway)
    gateway.add(method, ticket_url(suffix=endpoint), json=ticket_json(status="IN_PROGRESS"))
    expected = dict(fields) if body is None else body
    response = post_action(client, username, action, fields)
    assert response.status_code == 302, html(response)
    assert response["Location"] == PAGE
    assert_one_write(gateway, username, method, ticket_url(suffix=endpoint), expected)
    assert_audited(response, username, action, expected)


@pytest.mark.parametrize(
    ("username", "ticket", "kind_or_action", "message"),
    [
        ("carol", ticket_json(), "close", "Only an admin may do this."),
        ("carol", ticket_json(), "complete", "Only an admin may do this."),
        ("carol", ticket_json(), "assign", "Only an admin may do this."),
        (
            "carol",
            ticket_json(assigneeId="u-alice"),
            "reply",
            "Only an admin or the agent this ticket is assigned to may do this.",
        ),
        ("carol", ticket_json(assigneeId="u-alice"), "note", "assigned to may do this."),
        ("carol", ticket_json(assigneeId="u-alice"), "status", "assigned to may do this."),
        ("carol", ticket_json(assigneeId=None), "escalate", "assigned to may do this."),
        ("bob", ticket_json(assigneeId="u-bob"), "reply", "assigned to may do this."),
        ("bob", ticket_json(), "note", "assigned to may do this."),
        ("bob", ticket_json(), "edit", "assigned to may do this."),
        ("bob", ticket_json(), "close", "Only an admin may do this."),
    ],
)
def test_a_forbidden_write_is_403_and_nothing_is_sent(
    sign_in: Callable[..., Client],
    gateway: responses.RequestsMock,
    username: str,
    ticket: dict[str, Any],
    kind_or_action: str,
    message: str,
) -> None:
    client = sign_in(username)
    register_ticket_page(gateway, ticket=ticket)
    if kind_or_action in ("reply", "note"):
        response = post_message(client, username, kind_or_action, "Let me answer this")
    else:
        response = post_action(client, username, kind_or_action, {"reason": "x", "status": "OPEN"})
    assert response.status_code == 403
    assert message in html(response)
    assert writes_sent(gateway) == []
    assert AuditRecord.objects.count() == 0


def test_an_invalid_action_form_is_400_with_the_field_error_and_nothing_is_sent(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    response = post_action(carol, "carol", "start_date", {"start_date": "next tuesday"})
    page = html(response)
    assert response.status_code == 400
    assert "Enter a valid date." in page
    assert '<details open class="action">' in page
    assert writes_sent(gateway) == []


def test_an_unknown_action_is_not_found(carol: Client, gateway: responses.RequestsMock) -> None:
    response = post_action(carol, "carol", "delete", {})
    assert response.status_code == 404
    assert len(gateway.calls) == 0


# A failed write is audited with its error class


def test_an_action_the_gateway_rejects_shows_why_and_is_audited_as_rejected(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.put(
        ticket_url(suffix="/assignee-status"),
        status=400,
        json={
            "status": 400,
            "error": "Bad Request",
            "message": "Validation failed",
            "errors": [{"field": "status", "message": "RESOLVED needs a resolution reply first"}],
        },
    )
    response = post_action(carol, "carol", "status", {"status": "RESOLVED"})
    page = html(response)
    assert response.status_code == 400
    assert "The gateway rejected the request: Validation failed" in page
    assert "status: RESOLVED needs a resolution reply first" in page
    assert '<details open class="action">' in page
    assert len(writes_sent(gateway)) == 1
    record = AuditRecord.objects.get()
    assert (record.action, record.outcome, record.gateway_status) == (
        "ticket.status",
        "GatewayRejected",
        400,
    )


def test_an_action_that_fails_at_the_gateway_is_502_not_retried_and_audited(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.put(
        ticket_url(suffix="/admin-close"),
        status=503,
        json={"status": 503, "error": "Service Unavailable", "message": "maintenance"},
    )
    response = post_action(alice, "alice", "close", {"reason": "Customer confirmed by phone"})
    page = html(response)
    assert response.status_code == 502
    assert "The gateway is unavailable." in page
    assert f"Request id {response['X-Request-ID']}" in page
    assert "Customer confirmed by phone" in textarea(page, "close-reason")
    assert len(writes_sent(gateway)) == 1
    record = AuditRecord.objects.get()
    assert (record.action, record.outcome, record.gateway_status) == (
        "ticket.close",
        "GatewayUnavailable",
        503,
    )
    assert record.request_id == response["X-Request-ID"]


# Nothing lost, nothing doubled


def test_a_reply_the_gateway_fails_keeps_the_text_and_the_uploaded_files_and_is_sent_once(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.post(
        FINSUPPORT + "/files/upload-multiple",
        json=[file_json("f-00100", "id-front.png"), file_json("f-00101", "id-back.png")],
    )
    gateway.post(
        ticket_url(suffix="/assignee-reply"),
        status=500,
        json={"status": 500, "error": "Internal Server Error", "message": "Thread store down"},
    )
    typed = 'Thanks — we got both sides of your ID.\n<b>Not bold</b> & "quoted"'
    response = post_message(
        carol,
        "carol",
        "reply",
        typed,
        attachments=[
            SimpleUploadedFile(
                "id-front.png", b"\x89PNG\r\n\x1a\n front", content_type="image/png"
            ),
            SimpleUploadedFile("id-back.png", b"\x89PNG\r\n\x1a\n back", content_type="image/png"),
        ],
    )
    page = html(response)
    assert response.status_code == 502
    assert '<div class="banner banner-error" role="alert">' in page
    assert "The gateway is unavailable." in page
    assert "Thread store down" in page
    assert f"Request id {response['X-Request-ID']}" in page
    assert textarea(page, "reply-text") == (
        "Thanks — we got both sides of your ID.\n"
        "&lt;b&gt;Not bold&lt;/b&gt; &amp; &quot;quoted&quot;"
    )
    assert "Already uploaded and kept: id-front.png, id-back.png" in page
    assert "Select these files again" not in page
    replies = [w for w in writes_sent(gateway) if w.url.endswith("/assignee-reply")]
    assert len(replies) == 1
    assert json_body(replies[0])["fileIds"] == ["f-00100", "f-00101"]
    record = AuditRecord.objects.get(action="ticket.reply")
    assert (record.outcome, record.gateway_status) == ("GatewayUnavailable", 500)


def test_the_form_shown_again_after_a_failure_can_be_sent(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    reply_url = ticket_url(suffix="/assignee-reply")
    gateway.post(reply_url, status=503, json={"status": 503})
    first = post_message(carol, "carol", "reply", "Hello again")
    assert first.status_code == 502
    fresh = re.search(r'name="reply-form_token" value="([^"]+)"', html(first))
    assert fresh is not None
    gateway.replace(responses.POST, reply_url, json=reply_json("r-00011", "2026-11-05"))
    second = post_message(carol, "carol", "reply", "Hello again", token=fresh.group(1))
    assert second.status_code == 302
    assert len(writes_sent(gateway)) == 2


def test_files_kept_from_a_failed_try_go_with_the_next_try_without_a_second_upload(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    upload_url = FINSUPPORT + "/files/upload-multiple"
    reply_url = ticket_url(suffix="/assignee-reply")
    gateway.post(upload_url, json=[file_json("f-00100", "statement.pdf")])
    gateway.post(reply_url, status=503, json={"status": 503})
    first = post_message(
        carol,
        "carol",
        "reply",
        "See attached",
        attachments=[SimpleUploadedFile("statement.pdf", b"%PDF-1.4", "application/pdf")],
    )
    page = html(first)
    token = re.search(r'name="reply-form_token" value="([^"]+)"', page)
    kept = re.search(r'name="reply-uploaded" value="([^"]+)"', page)
    assert token is not None and kept is not None
    gateway.replace(responses.POST, reply_url, json=reply_json("r-00011", "2026-11-05"))
    second = carol.post(
        f"/tickets/{TICKET_ID}/reply/send/",
        {
            "reply-text": "See attached",
            "reply-form_token": token.group(1),
            "reply-uploaded": kept.group(1),
        },
    )
    assert second.status_code == 302
    uploads = [w for w in writes_sent(gateway) if w.url == upload_url]
    replies = [w for w in writes_sent(gateway) if w.url.endswith("/assignee-reply")]
    assert len(uploads) == 1
    assert [json_body(r)["fileIds"] for r in replies] == [["f-00100"], ["f-00100"]]


def test_a_tampered_list_of_kept_files_is_refused_and_nothing_is_sent(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    response = carol.post(
        f"/tickets/{TICKET_ID}/reply/send/",
        {
            "reply-text": "Hi",
            "reply-form_token": form_token("carol", "reply", TICKET_ID),
            "reply-uploaded": '[{"id": "f-99999", "name": "someone-elses.pdf"}]',
        },
    )
    assert response.status_code == 400
    assert "no longer valid" in html(response)
    assert writes_sent(gateway) == []


def test_a_reply_the_gateway_rejects_shows_the_message_and_keeps_the_text(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.post(
        ticket_url(suffix="/assignee-note"),
        status=400,
        json={
            "status": 400,
            "error": "Bad Request",
            "message": "Validation failed",
            "errors": [{"field": "note", "message": "too long"}],
        },
    )
    response = post_message(carol, "carol", "note", "A very long note")
    page = html(response)
    assert response.status_code == 400
    assert "The gateway rejected the request: Validation failed" in page
    assert textarea(page, "note-text") == "A very long note"
    # The note composer stays the open one.
    assert '<div class="composer-panel" data-composer-panel="note" >' in page
    assert len(writes_sent(gateway)) == 1
    assert AuditRecord.objects.get().outcome == "GatewayRejected"


def test_a_double_submitted_reply_reaches_the_gateway_once(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.post(ticket_url(suffix="/assignee-reply"), json=reply_json("r-00010", "2026-11-05"))
    token = form_token("carol", "reply", TICKET_ID)
    first = post_message(carol, "carol", "reply", "Once only", token=token)
    second = post_message(carol, "carol", "reply", "Once only", token=token)
    assert first.status_code == 302
    assert second.status_code == 409
    assert "Already saved; nothing was sent again." in html(second)
    assert textarea(html(second), "reply-text") == "Once only"
    assert len(writes_sent(gateway)) == 1
    assert AuditRecord.objects.count() == 1


def test_a_double_submitted_action_reaches_the_gateway_once(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.put(ticket_url(suffix="/admin-complete"), json=ticket_json(status="COMPLETED"))
    token = form_token("alice", "complete", TICKET_ID)
    assert post_action(alice, "alice", "complete", {}, token=token).status_code == 302
    second = post_action(alice, "alice", "complete", {}, token=token)
    assert second.status_code == 409
    assert "Already saved; nothing was sent again." in html(second)
    assert len(writes_sent(gateway)) == 1


def test_a_form_token_issued_to_someone_else_is_refused(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    sign_in("alice")
    carol = sign_in("carol")
    register_ticket_page(gateway)
    response = post_message(
        carol, "carol", "reply", "Hi", token=form_token("alice", "reply", TICKET_ID)
    )
    assert response.status_code == 409
    assert writes_sent(gateway) == []


@pytest.mark.parametrize(
    "url", [f"{PAGE}reply/send/", f"{PAGE}note/send/", f"{PAGE}actions/status/"]
)
def test_writes_require_the_csrf_token(
    carol: Client, gateway: responses.RequestsMock, url: str
) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = carol.cookies
    response = strict.post(
        url,
        {
            "reply-text": "hi",
            "note-text": "hi",
            "status-status": "OPEN",
            "reply-form_token": form_token("carol", "reply", TICKET_ID),
        },
    )
    assert response.status_code == 403
    assert len(gateway.calls) == 0
    assert AuditRecord.objects.count() == 0


def test_a_get_on_a_write_url_is_not_allowed(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    assert carol.get(f"{PAGE}reply/send/").status_code == 405
    assert carol.get(f"{PAGE}actions/status/").status_code == 405
    assert len(gateway.calls) == 0


def test_an_assignee_is_offered_only_the_statuses_the_assignee_endpoint_takes(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    response = post_action(carol, "carol", "status", {"status": "CLOSED"})
    assert response.status_code == 400
    assert writes_sent(gateway) == []
    page = html(response)
    status_select = page.split('name="status-status"', 1)[1].split("</select>", 1)[0]
    assert 'value="RESOLVED"' in status_select
    assert 'value="CLOSED"' not in status_select
    assert 'value="COMPLETED"' not in status_select
