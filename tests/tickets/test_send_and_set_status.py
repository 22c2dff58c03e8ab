"""The agent's flow after writing: "Send and mark Resolved" (the reply first, then the status
through the write pipeline, each audited), "Next ticket", the tab kept, the composer in reach."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import responses
from django.test import Client

from backoffice.models import AuditRecord
from tests.tickets.factories import (
    FINSUPPORT,
    TICKET_ID,
    form_token,
    html,
    json_body,
    page_json,
    register_ticket_page,
    reply_json,
    ticket_json,
    ticket_url,
    writes_sent,
)

PAGE = f"/tickets/{TICKET_ID}/"
REPLY = reply_json("r-00010", "2026-11-05T10:00:00.000Z")


@pytest.fixture
def carol(sign_in: Callable[..., Client]) -> Client:
    return sign_in("carol")


def send_reply(client: Client, token: str | None = None, **extra: str) -> Any:
    data = {
        "reply-text": "Refund issued.",
        "reply-form_token": token or form_token("carol", "reply", TICKET_ID),
        **extra,
    }
    return client.post(f"{PAGE}reply/send/", data)


def sent(gateway: responses.RequestsMock) -> list[tuple[str, str, Any]]:
    return [(r.method, r.url, json_body(r)) for r in writes_sent(gateway)]


def audited() -> list[tuple[str, str]]:
    return list(AuditRecord.objects.order_by("id").values_list("action", "outcome"))


def test_send_and_mark_resolved_sends_the_reply_then_the_status_and_audits_both(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.post(ticket_url(suffix="/assignee-reply"), json=REPLY)
    gateway.put(ticket_url(suffix="/assignee-status"), json=ticket_json(status="RESOLVED"))
    response = send_reply(carol, **{"reply-then_status_button": "RESOLVED"})
    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert sent(gateway) == [
        (
            "POST",
            ticket_url(suffix="/assignee-reply"),
            {"message": "Refund issued.", "fileIds": []},
        ),
        ("PUT", ticket_url(suffix="/assignee-status"), {"status": "RESOLVED"}),
    ]
    assert audited() == [("ticket.reply", "ok"), ("ticket.status", "ok")]
    status_record = AuditRecord.objects.get(action="ticket.status")
    assert status_record.summary["body"] == {"status": "RESOLVED"}
    assert status_record.request_id == response["X-Request-ID"]
    shown = html(carol.get(PAGE))
    assert "Reply sent." in shown and "Status set to Resolved." in shown


def test_the_status_select_beside_send_sets_the_chosen_status(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.post(ticket_url(suffix="/assignee-reply"), json=REPLY)
    gateway.put(ticket_url(suffix="/assignee-status"), json=ticket_json(status="ON_HOLD"))
    send_reply(carol, **{"reply-then_status": "ON_HOLD"})
    assert [body for _, _, body in sent(gateway)][1] == {"status": "ON_HOLD"}


def test_a_status_change_that_fails_says_the_reply_was_sent_and_offers_the_status_alone(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.post(ticket_url(suffix="/assignee-reply"), json=REPLY)
    gateway.put(
        ticket_url(suffix="/assignee-status"),
        status=503,
        json={"status": 503, "error": "Service Unavailable", "message": "maintenance"},
    )
    token = form_token("carol", "reply", TICKET_ID)
    response = send_reply(carol, token, **{"reply-then_status_button": "RESOLVED"})
    page = html(response)
    assert response.status_code == 502
    assert "Reply sent. The status was not changed to Resolved" in page
    assert "the reply will not be sent again" in page
    # The status form is open with Resolved chosen, ready to send the status alone.
    status_form = re.search(r'(?s)<details open class="action">.*?</details>', page)
    assert status_form is not None
    assert 'action="/tickets/t-00001/actions/status/"' in status_form.group(0)
    assert re.search(r'<option value="RESOLVED" selected>', status_form.group(0))
    assert audited() == [("ticket.reply", "ok"), ("ticket.status", "GatewayUnavailable")]
    # Sending the same reply form again sends neither the reply nor the status.
    again = send_reply(carol, token, **{"reply-then_status_button": "RESOLVED"})
    assert again.status_code == 409
    assert len(writes_sent(gateway)) == 2


def test_an_assignee_is_not_offered_admin_only_statuses_and_they_are_refused(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    page = html(carol.get(PAGE))
    select = re.search(r'(?s)<select name="reply-then_status".*?</select>', page)
    assert select is not None
    offered = re.findall(r'<option value="([A-Z_]*)"', select.group(0))
    assert offered == ["", "IN_PROGRESS", "ON_HOLD", "RESOLVED"]
    assert 'data-testid="send-and-resolve"' in page
    gateway.post(ticket_url(suffix="/assignee-reply"), json=REPLY)
    response = send_reply(carol, **{"reply-then_status": "CLOSED"})
    assert "Reply sent. The status was not changed to Closed" in html(response)
    assert [r.url for r in writes_sent(gateway)] == [ticket_url(suffix="/assignee-reply")]


def test_a_note_returns_to_the_note_tab(carol: Client, gateway: responses.RequestsMock) -> None:
    register_ticket_page(gateway)
    gateway.post(ticket_url(suffix="/assignee-note"), json={"id": "n-00010", "note": "x"})
    response = carol.post(
        f"{PAGE}note/send/",
        {
            "note-text": "Called the bank.",
            "note-form_token": form_token("carol", "note", TICKET_ID),
        },
    )
    assert response["Location"] == f"{PAGE}?composer=note#composer"
    page = html(carol.get(f"{PAGE}?composer=note"))
    assert re.search(r'data-composer-panel="reply"\s+hidden', page)
    assert 'href="#composer" data-testid="jump-to-composer">Jump to internal note' in page


def test_the_composer_is_one_link_away_at_the_top_of_the_page(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    page = html(carol.get(PAGE))
    jump = page.index('data-testid="jump-to-composer"')
    assert jump < page.index('id="h-thread"') < page.index('id="composer"')


def test_next_ticket_opens_the_ticket_below_in_assigned_to_me(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)  # t-00001 updated 2026-11-04T16:40
    gateway.post(ticket_url(suffix="/assignee-reply"), json=REPLY)
    mine = gateway.get(
        f"{FINSUPPORT}/tickets/assignee/u-carol",
        json=page_json(
            ticket_json(TICKET_ID, updatedAt="2026-11-05T10:00:00.000Z"),
            ticket_json("t-00007", updatedAt="2026-11-04T18:00:00.000Z"),
            ticket_json("t-00009", updatedAt="2026-11-03T08:00:00.000Z"),
        ),
    )
    response = send_reply(carol, **{"reply-next_ticket": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/tickets/t-00009/"
    assert mine.call_count == 1


def test_next_ticket_with_nothing_else_waiting_goes_to_the_queue(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.post(ticket_url(suffix="/assignee-reply"), json=REPLY)
    gateway.get(f"{FINSUPPORT}/tickets/assignee/u-carol", json=page_json(ticket_json()))
    response = send_reply(carol, **{"reply-next_ticket": "on"})
    assert response["Location"] == "/tickets/"
