"""The composer's canned replies are kept between ticket pages, and every canned-reply write
makes the next ticket page read them again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import responses
from django.test import Client

from tests.tickets.factories import (
    REPLY_MESSAGES,
    REPLY_TITLES,
    TICKET_ID,
    called,
    html,
    register_ticket_page,
    reply_messages_json,
    reply_titles_json,
)
from tests.tickets.test_canned_replies import WRITE_IDS, WRITES, post_write

PAGE = f"/tickets/{TICKET_ID}/"
NEW_MESSAGE = "A message written after the first page view."


@pytest.fixture
def carol(sign_in: Callable[..., Client]) -> Client:
    return sign_in("carol")


def canned_reads(gateway: responses.RequestsMock) -> tuple[int, int]:
    return len(called(gateway, "GET", REPLY_TITLES)), len(called(gateway, "GET", REPLY_MESSAGES))


def test_the_canned_replies_are_read_once_for_many_ticket_pages(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    for _ in range(3):
        page = html(carol.get(PAGE))
        assert "Thanks, we are looking into it." in page
        assert "Please send a copy of your ID." in page
        assert "Holidays slow us down." not in page  # its title is inactive
    assert canned_reads(gateway) == (1, 1)


def test_a_failed_canned_read_is_not_kept(carol: Client, gateway: responses.RequestsMock) -> None:
    register_ticket_page(gateway)
    gateway.replace(responses.GET, REPLY_TITLES, status=404, json={"status": 404})
    assert "Thanks, we are looking into it." not in html(carol.get(PAGE))
    gateway.replace(responses.GET, REPLY_TITLES, json=reply_titles_json())
    assert "Thanks, we are looking into it." in html(carol.get(PAGE))
    assert canned_reads(gateway) == (2, 2)


@pytest.mark.parametrize("status", [200, 500])
@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
def test_every_canned_write_makes_the_next_ticket_page_read_them_again(
    carol: Client,
    sign_in: Callable[..., Client],
    gateway: responses.RequestsMock,
    write: tuple[Any, ...],
    status: int,
) -> None:
    """Also a write whose answer was an error: it may have been applied all the same."""
    register_ticket_page(gateway)
    assert NEW_MESSAGE not in html(carol.get(PAGE))
    _, _, _, _, method, url, _, answer, *_ = write
    gateway.add(method, url, status=status, json=answer if status == 200 else {"status": status})
    gateway.replace(
        responses.GET,
        REPLY_MESSAGES,
        json=[
            *reply_messages_json(),
            {"id": "rm-011", "titleId": "rt-001", "message": NEW_MESSAGE},
        ],
    )
    assert canned_reads(gateway) == (1, 1)
    post_write(sign_in("alice"), "alice", write)
    assert NEW_MESSAGE in html(carol.get(PAGE))
