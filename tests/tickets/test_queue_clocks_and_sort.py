"""The ticket queue's age and last-activity clocks against the SLA thresholds, its sortable
columns (a whitelisted key in the URL, the shown page sorted) and the remembered queue."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import responses
from django.test import Client

from tests.tickets.factories import (
    FINSUPPORT,
    html,
    page_json,
    query_of,
    register_enums,
    register_staff,
    ticket_json,
)

TICKETS = FINSUPPORT + "/tickets"
HTMX = {"HX-Request": "true"}
NOW = datetime.now(UTC)


def iso(hours_ago: float) -> str:
    return (
        (NOW - timedelta(hours=hours_ago)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


@pytest.fixture
def alice(sign_in: Callable[..., Client]) -> Client:
    return sign_in("alice")


@pytest.fixture
def queue(gateway: responses.RequestsMock) -> responses.BaseResponse:
    register_enums(gateway)
    register_staff(gateway)
    return gateway.get(
        TICKETS,
        json=page_json(
            ticket_json(
                "t-00001", title="Fresh", priority="LOW", createdAt=iso(2), updatedAt=iso(1)
            ),
            ticket_json(
                "t-00002", title="Aging", priority="URGENT", createdAt=iso(30), updatedAt=iso(26)
            ),
            ticket_json(
                "t-00003",
                title="Breached",
                priority="MEDIUM",
                createdAt=iso(100),
                updatedAt=iso(80),
            ),
            ticket_json(
                "t-00004",
                title="Done long ago",
                status="CLOSED",
                priority="HIGH",
                createdAt=iso(500),
                updatedAt=iso(400),
            ),
        ),
    )


def cells(page: str, testid: str) -> list[str]:
    found = re.findall(rf'<td class="sla sla-(\w+)" data-testid="{testid}">(.*?)</td>', page)
    return [f"{level}: {re.sub(r'<[^>]+>', '', text)}" for level, text in found]


def row_titles(page: str) -> list[str]:
    return re.findall(r'<td><a href="/tickets/t-\d+/">([^<]+)</a>', page)


def test_age_and_last_activity_are_coloured_and_worded_against_the_sla_thresholds(
    alice: Client, queue: responses.BaseResponse, settings
) -> None:
    settings.TICKET_SLA_WARN_HOURS = 24
    settings.TICKET_SLA_BREACH_HOURS = 72
    page = html(alice.get("/tickets/"))
    assert cells(page, "age") == [
        "ok: 2 h",
        "warn: 30 h · SLA soon",
        "breach: 4 d · over SLA",
        "none: 20 d",
    ]
    assert cells(page, "activity") == [
        "ok: 1 h ago",
        "warn: 26 h ago · SLA soon",
        "breach: 3 d ago · over SLA",
        "none: 16 d ago",
    ]
    assert "the gateway's list does not say who wrote last" in page


def test_the_thresholds_come_from_settings(
    alice: Client, queue: responses.BaseResponse, settings
) -> None:
    settings.TICKET_SLA_WARN_HOURS = 1
    settings.TICKET_SLA_BREACH_HOURS = 2
    page = html(alice.get("/tickets/"))
    assert cells(page, "activity")[:2] == [
        "warn: 1 h ago · SLA soon",
        "breach: 26 h ago · over SLA",
    ]


@pytest.mark.parametrize(
    ("sort", "titles"),
    [
        ("", ["Fresh", "Aging", "Breached", "Done long ago"]),
        ("-age", ["Done long ago", "Breached", "Aging", "Fresh"]),
        ("age", ["Fresh", "Aging", "Breached", "Done long ago"]),
        ("-priority", ["Aging", "Done long ago", "Breached", "Fresh"]),
        ("title", ["Aging", "Breached", "Done long ago", "Fresh"]),
        ("-activity", ["Done long ago", "Breached", "Aging", "Fresh"]),
    ],
)
def test_a_sort_key_in_the_url_sorts_the_shown_page_and_says_so(
    alice: Client, queue: responses.BaseResponse, sort: str, titles: list[str]
) -> None:
    page = html(alice.get("/tickets/", {"sort": sort} if sort else {}))
    assert row_titles(page) == titles
    assert ("Sorted within this page" in page) == bool(sort)
    # The gateway is asked the same page whatever the sort: it cannot sort.
    assert query_of(queue.calls[-1].request) == {"pageNumber": ["1"], "pageSize": ["25"]}


def test_an_unknown_sort_key_is_refused(alice: Client, queue: responses.BaseResponse) -> None:
    response = alice.get("/tickets/", {"sort": "-description"})
    assert response.status_code == 400
    assert queue.call_count == 0


def test_column_headers_link_to_the_next_sort_and_htmx_pushes_the_url(
    alice: Client, queue: responses.BaseResponse
) -> None:
    page = html(alice.get("/tickets/", {"sort": "age", "status": "OPEN"}))
    assert re.search(
        r'<th scope="col" aria-sort="ascending"><a href="\?status=OPEN&amp;sort=-age"', page
    )
    assert re.search(
        r'<th scope="col" aria-sort="none"><a href="\?status=OPEN&amp;sort=priority"', page
    )
    # The filter form keeps the sort, so a filter change does not lose it.
    assert '<input type="hidden" name="sort" value="age">' in page
    swapped = alice.get("/tickets/", {"sort": "-age"}, headers=HTMX)
    assert swapped["HX-Push-Url"] == "/tickets/?sort=-age"
    assert row_titles(html(swapped))[0] == "Done long ago"
