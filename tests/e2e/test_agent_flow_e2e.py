"""The agent's flow over real HTTP: "Send and mark Resolved" against the sandbox, with the
status change failing once after the reply was sent (the reply is never sent twice)."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.e2e import support
from tests.e2e.support import PrivateBackoffice, StaffClient, form_fields, post_form, toasts

pytestmark = pytest.mark.e2e

private_backoffice = support.private_backoffice

FINSUPPORT = "/finsupport/1.0.0"
CAROLS = "t-00001"  # carol's, OPEN


def _ticket(desk: PrivateBackoffice) -> dict[str, Any]:
    return dict(desk.gateway_json(f"{FINSUPPORT}/ticket/{CAROLS}", username="carol"))


def _replies(desk: PrivateBackoffice) -> list[dict[str, Any]]:
    return list(desk.gateway_json(f"{FINSUPPORT}/ticket/{CAROLS}/replies", username="carol"))


def _page(client: StaffClient, path: str = f"/tickets/{CAROLS}/") -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return str(response.text)


def _reply_fields(carol: StaffClient, text: str) -> dict[str, str]:
    fields = form_fields(_page(carol), f"/tickets/{CAROLS}/reply/send/")
    return {**fields, "reply-text": text, "reply-then_status_button": "RESOLVED"}


def test_send_and_mark_resolved_leaves_the_reply_and_the_status_at_the_gateway(
    private_backoffice: PrivateBackoffice,
) -> None:
    desk = private_backoffice
    replies_before = _replies(desk)
    carol = desk.staff("carol")
    text = f"Refund issued, closing this. {secrets.token_hex(4)}"
    action = f"/tickets/{CAROLS}/reply/send/"

    response = post_form(carol, action, _reply_fields(carol, text))

    assert response.status_code == 302, response.text
    assert response.headers["Location"] == f"/tickets/{CAROLS}/"
    page = _page(carol)
    assert {"Reply sent.", "Status set to Resolved."} <= set(toasts(page))
    assert 'data-testid="ticket-status">Resolved</span>' in page
    assert _ticket(desk)["status"] == "RESOLVED"
    replies = _replies(desk)
    assert [r["message"] for r in replies] == [r["message"] for r in replies_before] + [text]
    audit = desk.staff("alice").get(f"/audit/?target={CAROLS}").text
    assert "ticket.reply" in audit and "ticket.status" in audit


def test_a_status_change_failing_after_the_reply_is_retried_alone(
    private_backoffice: PrivateBackoffice,
) -> None:
    desk = private_backoffice
    replies_before = _replies(desk)
    carol = desk.staff("carol")
    text = f"We have refunded the payment. {secrets.token_hex(4)}"
    action = f"/tickets/{CAROLS}/reply/send/"
    fields = _reply_fields(carol, text)
    desk.faults.fail(f"{FINSUPPORT}/ticket/{CAROLS}/assignee-status", methods=["PUT"], count=1)

    response = post_form(carol, action, fields)

    assert response.status_code == 502, response.text
    assert "Reply sent. The status was not changed to Resolved" in response.text
    assert _ticket(desk)["status"] == "OPEN"
    assert len(_replies(desk)) == len(replies_before) + 1
    # The same reply form sent again sends nothing.
    assert post_form(carol, action, fields).status_code == 409
    assert len(_replies(desk)) == len(replies_before) + 1
    # The status alone, from the form the failure left open on Resolved.
    status_action = f"/tickets/{CAROLS}/actions/status/"
    status_fields = form_fields(response.text, status_action)
    assert status_fields["status-status"] == "RESOLVED"
    retried = post_form(carol, status_action, status_fields)
    assert retried.status_code == 302, retried.text
    assert _ticket(desk)["status"] == "RESOLVED"
    assert len(_replies(desk)) == len(replies_before) + 1
