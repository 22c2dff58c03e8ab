"""Ticket writes under faults: typed text and files kept when the reads around a write fail,
outcome unknown read back by author, text and time, and a retry after a failure allowed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
import responses
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from backoffice.models import AuditRecord
from tests.tickets.factories import (
    FINSUPPORT,
    TICKET_ID,
    file_json,
    form_token,
    html,
    register_ticket_page,
    reply_json,
    textarea,
    ticket_json,
    ticket_url,
    writes_sent,
)

PAGE = f"/tickets/{TICKET_ID}/"
UPLOAD = f"{FINSUPPORT}/files/upload-multiple"
REPLY = ticket_url(suffix="/assignee-reply")


@pytest.fixture
def carol(sign_in: Callable[..., Client]) -> Client:
    return sign_in("carol")


def audit_outcomes() -> list[tuple[str, str]]:
    return list(AuditRecord.objects.order_by("id").values_list("action", "outcome"))


def send_reply(client: Client, token: str, text: str = "We refunded the charge.") -> Any:
    return client.post(
        f"{PAGE}reply/send/",
        {
            "reply-text": text,
            "reply-form_token": token,
            "reply-attachments": [SimpleUploadedFile("refund.txt", b"ok", "text/plain")],
        },
    )


def test_a_reply_with_files_keeps_its_text_when_the_ticket_cannot_be_read(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(ticket_url(), body=requests.exceptions.ConnectionError("refused"))
    response = send_reply(carol, form_token("carol", "reply", TICKET_ID))
    page = html(response)
    assert response.status_code == 502
    assert textarea(page, "reply-text") == "We refunded the charge."
    assert "Select these files again before sending: refund.txt" in page
    assert f"Request id {response['X-Request-ID']}" in page
    assert writes_sent(gateway) == []


def test_files_uploaded_before_a_failed_reply_are_kept_and_the_same_form_sends_again(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.post(UPLOAD, json=[file_json("f-00100", "refund.txt")])
    gateway.post(REPLY, status=503, json={"message": "maintenance"})
    token = form_token("carol", "reply", TICKET_ID)
    first = send_reply(carol, token)
    page = html(first)
    assert first.status_code == 502
    assert "Already uploaded and kept: refund.txt" in page
    assert textarea(page, "reply-text") == "We refunded the charge."
    uploaded = page.split('name="reply-uploaded" value="', 1)[1].split('"', 1)[0]
    gateway.replace(responses.POST, REPLY, json=reply_json("r-00010", "2026-11-05"))
    second = carol.post(
        f"{PAGE}reply/send/",
        {
            "reply-text": "We refunded the charge.",
            "reply-form_token": token,
            "reply-uploaded": uploaded,
        },
    )
    assert second.status_code == 302
    assert [w.url for w in writes_sent(gateway)] == [UPLOAD, REPLY, REPLY]
    assert audit_outcomes() == [
        ("ticket.upload", "ok"),
        ("ticket.reply", "GatewayUnavailable"),
        ("ticket.reply", "ok"),
    ]


def test_a_reply_whose_answer_times_out_is_found_by_author_text_and_time(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    earlier_same_text = reply_json(
        "r-00001", "2026-11-01T10:00:00Z", authorId="u-carol", message="Thanks!"
    )
    register_ticket_page(gateway, replies=[earlier_same_text])
    gateway.post(REPLY, body=requests.exceptions.ReadTimeout())
    # The read-back: the earlier reply with the same text, and the one just sent.
    gateway.get(
        ticket_url(suffix="/replies"),
        json=[
            earlier_same_text,
            reply_json("r-00011", "2099-01-01T00:00:00Z", authorId="u-carol", message="Thanks!"),
        ],
    )
    token = form_token("carol", "reply", TICKET_ID)
    response = carol.post(
        f"{PAGE}reply/send/", {"reply-text": "Thanks!", "reply-form_token": token}
    )
    assert response.status_code == 302
    assert audit_outcomes() == [
        ("ticket.reply", "outcome_unknown"),
        ("ticket.reply", "reconciled: applied"),
    ]
    again = carol.post(f"{PAGE}reply/send/", {"reply-text": "Thanks!", "reply-form_token": token})
    assert again.status_code == 409
    assert "Already saved; nothing was sent again." in html(again)
    assert len(writes_sent(gateway)) == 1


def test_an_earlier_reply_with_the_same_text_is_not_taken_for_the_lost_one(
    carol: Client, gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.GATEWAY_WRITE_SETTLE_SECONDS = 60
    earlier_same_text = reply_json("r-00001", "2099-01-01T00:00:00Z", message="Thanks!")
    register_ticket_page(gateway, replies=[earlier_same_text])
    gateway.post(REPLY, body=requests.exceptions.ChunkedEncodingError())
    token = form_token("carol", "reply", TICKET_ID)
    response = carol.post(
        f"{PAGE}reply/send/", {"reply-text": "Thanks!", "reply-form_token": token}
    )
    assert response.status_code == 202
    assert "We don&#x27;t know yet whether it was saved" in html(response)
    assert textarea(html(response), "reply-text") == "Thanks!"
    assert audit_outcomes() == [("ticket.reply", "outcome_unknown")]
    page = html(carol.get(PAGE))
    assert "We don't know yet whether your earlier change (ticket.reply" in page


def test_a_status_change_keeps_the_chosen_status_when_the_enums_cannot_be_read(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    alice = sign_in("alice")
    register_ticket_page(gateway, ticket=ticket_json())
    gateway.replace(
        responses.GET,
        f"{FINSUPPORT}/enums/ticket-status",
        body=requests.exceptions.ConnectionError(),
    )
    response = alice.post(
        f"{PAGE}actions/escalate/",
        {"escalate-reason": "Customer threatens chargeback", "escalate-form_token": "x"},
    )
    page = html(response)
    assert response.status_code == 502
    assert "Customer threatens chargeback</textarea>" in page
    assert writes_sent(gateway) == []
