"""The ticket page's reads: two concurrent rounds, and a failing staff directory paid once."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
import responses
from django.test import Client

from backoffice.gateway.client import GatewayAuth
from tests.conftest import TENANT
from tests.tickets.factories import (
    CUSTOMER_ID,
    CUSTOMERS,
    FINSUPPORT,
    REPLY_MESSAGES,
    REPLY_TITLES,
    STAFF_USERS,
    TICKET_ID,
    called,
    customer_json,
    register_ticket_page,
    reply_messages_json,
    reply_titles_json,
    ticket_json,
    ticket_url,
)
from tickets.canned_services import forget_canned

PAGE = f"/tickets/{TICKET_ID}/"


@pytest.fixture
def carol(sign_in: Callable[..., Client]) -> Client:
    return sign_in("carol")


@pytest.mark.parametrize("status", [404, 503])
def test_a_failing_staff_directory_is_asked_once_for_the_page_and_the_next_ones(
    carol: Client, gateway: responses.RequestsMock, settings: pytest.FixtureRequest, status: int
) -> None:
    settings.GATEWAY_READ_RETRIES = 0  # type: ignore[attr-defined]
    register_ticket_page(gateway)
    gateway.replace(responses.GET, STAFF_USERS, status=status, json={"status": status})
    for _ in range(3):
        response = carol.get(PAGE)
        assert response.status_code == 200
        assert "Part of this page could not be loaded (staff)" in response.content.decode()
    assert len(called(gateway, "GET", STAFF_USERS)) == 1


def answers_together(gateway: responses.RequestsMock, answers: dict[str, Any]) -> None:
    """These reads answer only once all of them have started: reads of one round."""
    barrier = threading.Barrier(len(answers), timeout=5)

    def answer_for(body: Any) -> Callable[[Any], tuple[int, dict[str, str], str]]:
        def answer(request: Any) -> tuple[int, dict[str, str], str]:
            barrier.wait()
            return 200, {"Content-Type": "application/json"}, json.dumps(body)

        return answer

    for url, body in answers.items():
        gateway.add_callback(responses.GET, url, callback=answer_for(body))


def test_the_page_reads_the_thread_then_the_customer_and_canned_replies_in_two_rounds(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    assert carol.get(PAGE).status_code == 200  # enums and staff directory now cached
    forget_canned(GatewayAuth(access_token="", tenant_id=TENANT, request_id=""))
    gateway.reset()
    answers_together(
        gateway,
        {
            ticket_url(): ticket_json(),
            ticket_url(suffix="/replies"): [],
            ticket_url(suffix="/notes"): [],
            f"{FINSUPPORT}/files/ticket/{TICKET_ID}": [],
        },
    )
    answers_together(
        gateway,
        {
            f"{CUSTOMERS}/{CUSTOMER_ID}": customer_json(),
            REPLY_TITLES: reply_titles_json(),
            REPLY_MESSAGES: reply_messages_json(),
        },
    )
    response = carol.get(PAGE)
    page = response.content.decode()
    assert response.status_code == 200
    assert "could not be loaded" not in page
    assert f'href="/customers/{CUSTOMER_ID}/"' in page
    assert 'name="canned"' in page
    assert len(gateway.calls) == 7


def test_a_person_who_may_not_write_on_the_ticket_gets_no_canned_replies_read(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    assert sign_in("bob").get(PAGE).status_code == 200
    assert called(gateway, "GET", REPLY_TITLES) == []
    assert called(gateway, "GET", REPLY_MESSAGES) == []
