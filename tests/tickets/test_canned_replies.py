"""The canned replies page: everyone reads it, only an admin writes, and each write is sent once
with exactly its body, audited, and never loses what was typed."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import responses
from django.test import Client

from backoffice.models import AuditRecord
from tests.conftest import TENANT
from tests.tickets.factories import (
    REPLY_MESSAGES,
    REPLY_TITLES,
    TOKENS,
    form_token,
    html,
    json_body,
    reply_messages_json,
    reply_titles_json,
    textarea,
    writes_sent,
)

PAGE = "/tickets/replies/"


def register_catalog(gateway: responses.RequestsMock) -> None:
    gateway.get(REPLY_TITLES, json=reply_titles_json())
    gateway.get(REPLY_MESSAGES, json=reply_messages_json())


def section(page: str, title_id: str) -> str:
    found = re.search(rf'(?s)<section id="title-{title_id}".*?</section>', page)
    assert found is not None, f"no section for {title_id}"
    return found.group(0)


def input_value(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert found is not None, f"no input {name}"
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else ""


# Each write, as (name, page URL, form fields without the token, token field prefix,
# gateway method, gateway URL, body sent, gateway answer, audit action, audit target, redirect)
WRITES: list[tuple[Any, ...]] = [
    (
        "create title",
        "/tickets/replies/titles/",
        {"new-title-title": "  Refund issued  "},
        "new-title",
        "POST",
        REPLY_TITLES,
        {"title": "Refund issued"},
        {"id": "rt-009", "title": "Refund issued", "status": "ACTIVE"},
        "ticket.reply_title.create",
        "rt-009",
        "/tickets/replies/#title-rt-009",
    ),
    (
        "deactivate title",
        "/tickets/replies/titles/rt-001/status/",
        {"status-rt-001-status": "INACTIVE", "status-rt-001-seen_status": "ACTIVE"},
        "status-rt-001",
        "PUT",
        f"{REPLY_TITLES}/rt-001/status",
        {"status": "INACTIVE"},
        {"id": "rt-001", "title": "Acknowledge", "status": "INACTIVE"},
        "ticket.reply_title.status",
        "rt-001",
        "/tickets/replies/#title-rt-001",
    ),
    (
        "activate title",
        "/tickets/replies/titles/rt-004/status/",
        {"status-rt-004-status": "ACTIVE", "status-rt-004-seen_status": "INACTIVE"},
        "status-rt-004",
        "PUT",
        f"{REPLY_TITLES}/rt-004/status",
        {"status": "ACTIVE"},
        {"id": "rt-004", "title": "Holiday delays (old)", "status": "ACTIVE"},
        "ticket.reply_title.status",
        "rt-004",
        "/tickets/replies/#title-rt-004",
    ),
    (
        "create message",
        "/tickets/replies/titles/rt-002/messages/",
        {"message-rt-002-message": "Dear {greeting}, please send your passport."},
        "message-rt-002",
        "POST",
        REPLY_MESSAGES,
        {"titleId": "rt-002", "message": "Dear {greeting}, please send your passport."},
        {"id": "rm-010", "titleId": "rt-002", "message": "Dear {greeting}, please send…"},
        "ticket.reply_message.create",
        "rm-010",
        "/tickets/replies/#message-rm-010",
    ),
    (
        "edit message",
        "/tickets/replies/messages/rm-001/edit/",
        {"edit-rm-001-title_id": "rt-002", "edit-rm-001-message": "We are on it."},
        "edit-rm-001",
        "PUT",
        f"{REPLY_MESSAGES}/rm-001",
        {"titleId": "rt-002", "message": "We are on it."},
        {"id": "rm-001", "titleId": "rt-002", "message": "We are on it."},
        "ticket.reply_message.update",
        "rm-001",
        "/tickets/replies/#message-rm-001",
    ),
]
WRITE_IDS = [write[0] for write in WRITES]


def canned_token(username: str, prefix: str) -> str:
    """The token the replies page issues for the form with this prefix."""
    kind, _, target = prefix.partition("-")
    action = {
        "new": "reply_title.create",
        "status": "reply_title.status",
        "message": "reply_message.create",
        "edit": "reply_message.update",
    }[kind]
    return form_token(username, action, "" if kind == "new" else target)


def post_write(
    client: Client, username: str, write: tuple[Any, ...], *, token: str | None = None
) -> Any:
    _, url, fields, prefix = write[:4]
    data = {**fields, f"{prefix}-form_token": token or canned_token(username, prefix)}
    return client.post(url, data)


@pytest.fixture
def alice(sign_in: Callable[..., Client]) -> Client:
    return sign_in("alice")


# Reading


def test_everyone_sees_each_title_with_its_status_badge_and_its_messages(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    register_catalog(gateway)
    response = sign_in("carol").get(PAGE)
    assert response.status_code == 200
    page = html(response)
    acknowledge = section(page, "rt-001")
    assert "Acknowledge" in acknowledge
    assert '<span class="badge tone-success">Active</span>' in acknowledge
    assert "Thanks, we are looking into it." in acknowledge
    assert "Thank you for your patience." in acknowledge
    assert "Please send a copy of your ID." not in acknowledge
    old = section(page, "rt-004")
    assert '<span class="badge tone-neutral">Inactive</span>' in old
    assert "Holidays slow us down." in old
    assert "3 titles · 4 messages" in page


@pytest.mark.parametrize("username", ["bob", "carol"])
def test_a_non_admin_sees_the_list_read_only_with_no_forms(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock, username: str
) -> None:
    register_catalog(gateway)
    page = html(sign_in(username).get(PAGE))
    assert "Read only: only an admin may change canned replies." in page
    assert '<form method="post"' not in page.split("</header>", 1)[1]
    assert "form_token" not in page
    assert "/edit/" not in page


def test_an_admin_is_offered_create_toggle_add_and_edit(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_catalog(gateway)
    page = html(alice.get(PAGE))
    assert 'action="/tickets/replies/titles/"' in page
    acknowledge = section(page, "rt-001")
    assert 'action="/tickets/replies/titles/rt-001/status/"' in acknowledge
    assert 'name="status-rt-001-status" value="INACTIVE"' in acknowledge
    hidden = '<span class="visually-hidden">'
    assert f">Deactivate{hidden} “Acknowledge”</span></button>" in acknowledge
    assert 'action="/tickets/replies/titles/rt-001/messages/"' in acknowledge
    assert 'href="/tickets/replies/messages/rm-001/edit/#message-rm-001"' in acknowledge
    old = section(page, "rt-004")
    assert 'name="status-rt-004-status" value="ACTIVE"' in old
    assert f">Activate{hidden} “Holiday delays (old)”</span></button>" in old
    # every write form carries its own one-time token
    tokens = re.findall(r'name="[a-z0-9-]*form_token" value="([^"]+)"', page)
    assert len(tokens) == 1 + 3 * 2
    assert len(set(tokens)) == len(tokens)


def test_the_edit_page_opens_the_message_prefilled_in_place(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_catalog(gateway)
    response = alice.get("/tickets/replies/messages/rm-002/edit/")
    assert response.status_code == 200
    page = html(response)
    acknowledge = section(page, "rt-001")
    assert 'action="/tickets/replies/messages/rm-002/edit/"' in acknowledge
    assert textarea(acknowledge, "edit-rm-002-message") == "Thank you for your patience."
    assert '<option value="rt-001" selected>Acknowledge</option>' in acknowledge
    assert '<option value="rt-004">Holiday delays (old)</option>' in acknowledge


def test_editing_a_message_the_gateway_does_not_list_is_not_found(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_catalog(gateway)
    assert alice.get("/tickets/replies/messages/rm-999/edit/").status_code == 404


def test_a_gateway_failure_while_reading_shows_a_banner_and_a_way_to_retry(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(REPLY_TITLES, status=503, json={"status": 503, "message": "down"})
    gateway.get(REPLY_MESSAGES, json=reply_messages_json())
    response = alice.get(PAGE)
    assert response.status_code == 200
    page = html(response)
    assert "The gateway is unavailable" in page
    assert 'href="/tickets/replies/">Try again</a>' in page


# Writing


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
def test_each_admin_write_sends_exactly_its_body_once_audits_and_redirects_with_a_toast(
    alice: Client, gateway: responses.RequestsMock, write: tuple[Any, ...]
) -> None:
    _, _, _, _, method, url, body, answer, action, target, location = write
    gateway.add(method, url, json=answer)
    response = post_write(alice, "alice", write)
    assert response.status_code == 302
    assert response["Location"] == location
    [sent] = writes_sent(gateway)
    assert (sent.method, sent.url) == (method, url)
    assert sent.headers["Authorization"] == f"Bearer {TOKENS['alice']}"
    assert sent.headers["tenantId"] == TENANT
    assert json_body(sent) == body
    record = AuditRecord.objects.get()
    assert (record.action, record.target_id, record.outcome) == (action, target, "ok")
    assert record.staff_user_id == "u-alice"
    assert record.summary["body"] == body
    assert record.request_id == response["X-Request-ID"]
    register_catalog(gateway)
    followed = html(alice.get(PAGE))
    assert 'class="toast toast-success"' in followed


@pytest.mark.parametrize("username", ["bob", "carol"])
@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
def test_a_non_admin_write_is_refused_with_403_and_nothing_is_sent(
    sign_in: Callable[..., Client],
    gateway: responses.RequestsMock,
    write: tuple[Any, ...],
    username: str,
) -> None:
    client = sign_in(username)
    response = post_write(client, username, write)
    assert response.status_code == 403
    assert "Only an admin may change canned replies." in html(response)
    assert len(gateway.calls) == 0
    assert not AuditRecord.objects.exists()


@pytest.mark.parametrize("username", ["bob", "carol"])
def test_a_non_admin_cannot_open_the_edit_page(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock, username: str
) -> None:
    response = sign_in(username).get("/tickets/replies/messages/rm-001/edit/")
    assert response.status_code == 403
    assert len(gateway.calls) == 0


def test_an_empty_title_is_caught_before_anything_is_sent(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_catalog(gateway)
    response = alice.post(
        "/tickets/replies/titles/",
        {"new-title-title": "   ", "new-title-form_token": canned_token("alice", "new-title")},
    )
    assert response.status_code == 400
    assert "This field is required." in html(response)
    assert writes_sent(gateway) == []


def test_gateway_field_errors_show_next_to_the_field_and_keep_the_title_typed(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(
        REPLY_TITLES,
        status=400,
        json={
            "status": 400,
            "error": "Bad Request",
            "message": "Validation failed",
            "errors": [{"field": "title", "message": "already used"}],
        },
    )
    register_catalog(gateway)
    response = post_write(alice, "alice", WRITES[0])
    assert response.status_code == 400
    page = html(response)
    assert '<p class="field-error">Gateway: already used</p>' in page
    assert input_value(page, "new-title-title") == "  Refund issued  "  # exactly as typed
    assert len(writes_sent(gateway)) == 1
    record = AuditRecord.objects.get()
    assert (record.action, record.outcome, record.gateway_status) == (
        "ticket.reply_title.create",
        "GatewayRejected",
        400,
    )


def test_gateway_field_errors_on_an_edit_keep_the_message_and_the_chosen_title(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    gateway.put(
        f"{REPLY_MESSAGES}/rm-001",
        status=400,
        json={
            "status": 400,
            "message": "Validation failed",
            "errors": [{"field": "titleId", "message": "unknown reply title"}],
        },
    )
    register_catalog(gateway)
    response = post_write(alice, "alice", WRITES[4])
    assert response.status_code == 400
    page = html(response)
    assert "Gateway: unknown reply title" in page
    assert textarea(page, "edit-rm-001-message") == "We are on it."
    assert '<option value="rt-002" selected>Documents needed</option>' in page
    # a fresh token, so the corrected form can be sent
    assert input_value(page, "edit-rm-001-form_token") not in ("", None)


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
def test_a_gateway_500_shows_a_banner_after_one_call_and_keeps_the_input(
    alice: Client, gateway: responses.RequestsMock, write: tuple[Any, ...]
) -> None:
    _, _, fields, _, method, url = write[:6]
    gateway.add(method, url, status=500, json={"status": 500, "message": "Boom"})
    register_catalog(gateway)
    response = post_write(alice, "alice", write)
    assert response.status_code == 502
    page = html(response)
    assert 'class="banner banner-error"' in page
    assert "Boom" in page
    assert len(writes_sent(gateway)) == 1  # a write is never retried
    for name, value in fields.items():
        if name.endswith(("-title", "-message")) and "title_id" not in name:
            shown = textarea(page, name) if name.endswith("-message") else input_value(page, name)
            assert shown == value
    assert AuditRecord.objects.get().outcome == "GatewayUnavailable"


def test_a_500_while_the_list_is_also_down_still_shows_the_typed_message(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(REPLY_MESSAGES, status=500, json={"status": 500, "message": "Boom"})
    gateway.get(REPLY_TITLES, status=503, json={"status": 503, "message": "down"})
    gateway.get(REPLY_MESSAGES, status=503, json={"status": 503, "message": "down"})
    response = post_write(alice, "alice", WRITES[3])
    assert response.status_code == 502
    page = html(response)
    assert "Not sent yet" in page
    assert textarea(page, "message-rt-002-message") == "Dear {greeting}, please send your passport."


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
def test_submitting_the_same_form_twice_sends_once(
    alice: Client, gateway: responses.RequestsMock, write: tuple[Any, ...]
) -> None:
    method, url, _, answer = write[4], write[5], write[6], write[7]
    gateway.add(method, url, json=answer)
    register_catalog(gateway)
    token = canned_token("alice", write[3])
    first = post_write(alice, "alice", write, token=token)
    second = post_write(alice, "alice", write, token=token)
    assert first.status_code == 302
    assert second.status_code == 409
    assert "Already saved; nothing was sent again." in html(second)
    assert len(writes_sent(gateway)) == 1
    assert AuditRecord.objects.count() == 1


def test_a_token_issued_to_someone_else_is_refused(
    alice: Client, sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    sign_in("bob")
    register_catalog(gateway)
    response = post_write(alice, "alice", WRITES[0], token=canned_token("bob", WRITES[0][3]))
    assert response.status_code == 409
    assert writes_sent(gateway) == []


def test_a_message_whose_title_is_not_listed_is_still_shown(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(REPLY_TITLES, json=reply_titles_json())
    gateway.get(
        REPLY_MESSAGES,
        json=[*reply_messages_json(), {"id": "rm-050", "titleId": "rt-077", "message": "Lost"}],
    )
    page = html(alice.get(PAGE))
    orphans = page.split("Messages without a listed title", 1)[1]
    assert 'data-testid="message-rm-050"' in orphans
    assert "Lost" in orphans
