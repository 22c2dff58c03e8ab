"""The ticket queue: which gateway list each view asks, filters from cached enums, and states."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import responses
from django.test import Client

from tests.conftest import TENANT
from tests.tickets.factories import (
    ENUM_URLS,
    FINSUPPORT,
    STAFF_USERS,
    TOKENS,
    called,
    html,
    page_json,
    query_of,
    register_enums,
    register_staff,
    ticket_json,
)

TICKETS = FINSUPPORT + "/tickets"
HTMX = {"HX-Request": "true"}


def register_queue(gateway: responses.RequestsMock, url: str = TICKETS, **page: object) -> None:
    register_enums(gateway)
    register_staff(gateway)
    gateway.get(url, json=page.get("body") or page_json(ticket_json()))


def list_calls(gateway: responses.RequestsMock) -> list[Any]:
    """Every call to one of the four ticket lists."""
    return [
        call.request
        for call in gateway.calls
        if str(call.request.url).split("?")[0].startswith(TICKETS)
    ]


def select_options(page: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'(?s)<select name="{name}"[^>]*>(.*?)</select>', page)
    assert select is not None, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


# Which list each view reads


@pytest.mark.parametrize(
    ("username", "query", "url", "params"),
    [
        ("alice", "", TICKETS, {"pageNumber": ["1"], "pageSize": ["25"]}),
        ("alice", "?view=all", TICKETS, {"pageNumber": ["1"], "pageSize": ["25"]}),
        (
            "carol",
            "?view=mine",
            TICKETS + "/assignee/u-carol",
            {"pageNumber": ["1"], "pageSize": ["25"]},
        ),
        (
            "bob",
            "?view=following",
            TICKETS + "/follower/u-bob",
            {"pageNumber": ["1"], "pageSize": ["25"]},
        ),
        (
            "bob",
            "?view=escalated",
            TICKETS,
            {"pageNumber": ["1"], "pageSize": ["25"], "status": ["ESCALATED"]},
        ),
        (
            "carol",
            "?view=customer&customer=c-00042",
            TICKETS + "/customer/c-00042",
            {"pageNumber": ["1"], "pageSize": ["25"]},
        ),
    ],
)
def test_each_view_reads_its_own_gateway_list(
    sign_in: Callable[..., Client],
    gateway: responses.RequestsMock,
    username: str,
    query: str,
    url: str,
    params: dict[str, list[str]],
) -> None:
    client = sign_in(username)
    register_queue(gateway, url)
    response = client.get("/tickets/" + query)
    assert response.status_code == 200
    [sent] = list_calls(gateway)
    assert sent.method == "GET"
    assert sent.url.split("?")[0] == url
    assert query_of(sent) == params
    assert sent.headers["Authorization"] == f"Bearer {TOKENS[username]}"
    assert sent.headers["tenantId"] == TENANT
    assert sent.headers["X-Request-ID"] == response["X-Request-ID"]
    assert sent.body is None


def test_filters_and_paging_go_as_query_parameters(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    carol = sign_in("carol")
    register_queue(gateway, TICKETS + "/assignee/u-carol")
    response = carol.get(
        "/tickets/",
        {
            "view": "mine",
            "status": "IN_PROGRESS",
            "priority": "URGENT",
            "category": "KYC",
            "page": "3",
            "page_size": "50",
        },
    )
    assert response.status_code == 200
    [sent] = list_calls(gateway)
    assert query_of(sent) == {
        "pageNumber": ["3"],
        "pageSize": ["50"],
        "status": ["IN_PROGRESS"],
        "priority": ["URGENT"],
        "category": ["KYC"],
    }


def test_the_customer_view_without_a_customer_id_asks_for_one_and_lists_nothing(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    alice = sign_in("alice")
    register_queue(gateway)
    response = alice.get("/tickets/", {"view": "customer"})
    page = html(response)
    # A prompt, not an error banner: choosing a customer is the next step, not a mistake.
    assert response.status_code == 200
    assert "Enter a customer id above to see that customer's tickets." in page
    assert "Some filters are not valid." not in page
    assert 'role="alert"' not in page
    assert "<table" not in page
    assert list_calls(gateway) == []


def test_a_filter_value_the_gateway_does_not_know_is_refused_before_any_list_call(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    alice = sign_in("alice")
    register_queue(gateway)
    response = alice.get("/tickets/", {"status": "WAITING"})
    assert response.status_code == 400
    assert "Select a valid choice." in html(response)
    assert list_calls(gateway) == []


# Filter choices come from the gateway, cached


def test_filter_choices_come_from_the_enum_endpoints_with_readable_labels(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    alice = sign_in("alice")
    register_enums(gateway, category=["PAYMENTS", "CRYPTO"])
    register_staff(gateway)
    gateway.get(TICKETS, json=page_json())
    page = html(alice.get("/tickets/"))
    statuses = select_options(page, "status")
    assert statuses[0] == ("", "Any status")
    assert ("IN_PROGRESS", "In progress") in statuses
    assert len(statuses) == 8
    assert select_options(page, "priority") == [
        ("", "Any priority"),
        ("LOW", "Low"),
        ("MEDIUM", "Medium"),
        ("HIGH", "High"),
        ("URGENT", "Urgent"),
    ]
    # A value the back office has no label for is offered with the gateway's spelling.
    assert select_options(page, "category") == [
        ("", "Any category"),
        ("PAYMENTS", "Payments"),
        ("CRYPTO", "CRYPTO"),
    ]
    for url in ENUM_URLS:
        [sent] = called(gateway, "GET", url)
        assert sent.headers["Authorization"] == f"Bearer {TOKENS['alice']}"
        assert sent.headers["tenantId"] == TENANT


def test_a_second_page_load_makes_no_enum_or_staff_directory_call(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    alice = sign_in("alice")
    register_queue(gateway)
    assert alice.get("/tickets/").status_code == 200
    assert alice.get("/tickets/", {"status": "OPEN"}).status_code == 200
    for url in ENUM_URLS:
        assert len(called(gateway, "GET", url)) == 1, url
    assert len(called(gateway, "GET", STAFF_USERS)) == 1
    assert len(list_calls(gateway)) == 2


# What is shown


def test_it_shows_each_ticket_with_labels_and_the_assignee_name_from_the_staff_directory(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    alice = sign_in("alice")
    register_queue(
        gateway,
        body=page_json(
            ticket_json("t-00001"),
            ticket_json(
                "t-00002",
                title="Card stolen",
                status="ESCALATED",
                priority="URGENT",
                category="CARDS",
                escalated=True,
                assigneeId=None,
            ),
            ticket_json("t-00003", assigneeId="u-zed"),
        ),
    )
    page = html(alice.get("/tickets/"))
    rows = re.findall(r"(?s)<tr>\s*<td>.*?</tr>", page)
    assert len(rows) == 3
    assert '<a href="/tickets/t-00001/">Card payment declined twice</a>' in rows[0]
    assert '<span class="badge tone-info">Open</span>' in rows[0]
    assert '<span class="badge tone-warning">High</span>' in rows[0]
    assert "<td>Payments</td>" in rows[0]
    assert '<td class="mono"><a href="/customers/c-00042/">c-00042</a></td>' in rows[0]
    assert "<td>Carol Agent</td>" in rows[0]
    assert "Escalated</span>" not in rows[0]
    assert '<span class="badge tone-orange">Escalated</span>' in rows[1]
    assert '<span class="badge tone-danger">Urgent</span>' in rows[1]
    assert "<td>Unassigned</td>" in rows[1]
    # An id the directory does not know is shown as it is.
    assert "<td>u-zed</td>" in rows[2]
    assert "3 tickets" in page


def test_assignee_ids_are_shown_when_the_staff_directory_is_down(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    alice = sign_in("alice")
    register_enums(gateway)
    gateway.get(STAFF_USERS, status=503, json={"status": 503, "message": "down"})
    gateway.get(TICKETS, json=page_json(ticket_json()))
    response = alice.get("/tickets/")
    assert response.status_code == 200
    assert "<td>u-carol</td>" in html(response)


def test_it_pages_through_the_gateway_list(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    alice = sign_in("alice")
    register_queue(
        gateway,
        body=page_json(
            *(ticket_json(f"t-{n:05}") for n in range(11, 21)), total=45, pages=5, current=2
        ),
    )
    page = html(alice.get("/tickets/", {"page": "2", "page_size": "10", "status": "OPEN"}))
    assert "11\u201320 of 45" in page  # an en dash
    assert "Page 2 of 5" in page
    assert 'href="?status=OPEN&amp;page_size=10"' in page  # page 1 is the default
    assert 'href="?status=OPEN&amp;page=3&amp;page_size=10"' in page


def test_an_empty_view_says_so(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    carol = sign_in("carol")
    register_queue(gateway, TICKETS + "/assignee/u-carol", body=page_json())
    response = carol.get("/tickets/", {"view": "mine", "priority": "LOW"})
    page = html(response)
    assert response.status_code == 200
    assert "No tickets in “Assigned to me” with these filters." in page
    assert "<table" not in page


def test_a_gateway_failure_is_a_502_with_the_request_id(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    alice = sign_in("alice")
    register_enums(gateway)
    register_staff(gateway)
    gateway.get(
        TICKETS,
        status=503,
        json={"status": 503, "error": "Service Unavailable", "message": "Ticket store down"},
    )
    response = alice.get("/tickets/")
    page = html(response)
    assert response.status_code == 502
    assert "The gateway is unavailable." in page
    assert "Ticket store down" in page
    assert f"Request id {response['X-Request-ID']}" in page
    assert "<table" not in page
    assert "Traceback" not in page


def test_enums_the_gateway_cannot_give_are_a_502_and_nothing_is_listed(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    alice = sign_in("alice")
    register_enums(gateway)
    gateway.replace(responses.GET, ENUM_URLS[1], status=500, json={"status": 500})
    response = alice.get("/tickets/")
    assert response.status_code == 502
    assert f"Request id {response['X-Request-ID']}" in html(response)
    assert list_calls(gateway) == []


def test_titles_from_the_gateway_are_escaped(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    alice = sign_in("alice")
    register_queue(
        gateway,
        body=page_json(
            ticket_json(title='<img src=x onerror=alert(1)> <script>alert("x")</script>')
        ),
    )
    page = html(alice.get("/tickets/"))
    assert (
        "&lt;img src=x onerror=alert(1)&gt; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
        in page
    )
    assert "<img src=x" not in page
    assert '<script>alert("x")' not in page


# Full page and HTMX fragment


def test_a_normal_request_gets_the_whole_page(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    alice = sign_in("alice")
    register_queue(gateway)
    response = alice.get("/tickets/")
    page = html(response)
    assert "<html" in page
    assert '<section id="ticket-list"' in page
    assert "HX-Push-Url" not in response


def test_htmx_gets_the_list_fragment_and_the_canonical_url_to_push(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    carol = sign_in("carol")
    register_queue(gateway, TICKETS + "/assignee/u-carol")
    response = carol.get(
        "/tickets/?view=mine&status=OPEN&priority=&category=&page=1&page_size=25", headers=HTMX
    )
    fragment = html(response)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<section id="ticket-list"')
    assert "<html" not in fragment
    assert "Card payment declined twice" in fragment
    assert response["HX-Push-Url"] == "/tickets/?view=mine&status=OPEN"
    assert "hx-request" in [v.strip().lower() for v in response["Vary"].split(",")]


def test_htmx_history_restore_gets_the_whole_page(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    alice = sign_in("alice")
    register_queue(gateway)
    response = alice.get("/tickets/", headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert "<html" in html(response)


def test_htmx_with_invalid_filters_pushes_no_url(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    alice = sign_in("alice")
    register_queue(gateway)
    response = alice.get("/tickets/", {"priority": "NOPE"}, headers=HTMX)
    assert response.status_code == 400
    assert html(response).lstrip().startswith('<section id="ticket-list"')
    assert "HX-Push-Url" not in response


def test_rows_show_the_indexed_customers_name_and_status_without_asking_the_gateway(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    from django.utils import timezone

    from customers.search_index import index_customers
    from tests.search.records import ISLA

    index_customers([{**ISLA, "id": "c-00042"}], timezone.now())
    register_queue(
        gateway,
        body=page_json(ticket_json("t-00001"), ticket_json("t-00002", customerId="c-00043")),
    )

    page = html(sign_in("alice").get("/tickets/"))

    rows = re.findall(r"(?s)<tr>\s*<td>.*?</tr>", page)
    assert (
        '<td><a href="/customers/c-00042/" title="c-00042">Isla Wilson</a> '
        '<span class="badge tone-success">Verified</span></td>'
    ) in rows[0]
    # Not in the index: the id, as before.
    assert '<td class="mono"><a href="/customers/c-00043/">c-00043</a></td>' in rows[1]
    assert not [c for c in gateway.calls if "/customer/2.0.0/" in str(c.request.url)]


def test_with_search_turned_off_rows_show_customer_ids(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock, settings: Any
) -> None:
    from django.utils import timezone

    from customers.search_index import index_customers
    from tests.search.records import ISLA

    settings.SEARCH_ENABLED = False
    index_customers([{**ISLA, "id": "c-00042"}], timezone.now())
    register_queue(gateway)

    page = html(sign_in("alice").get("/tickets/"))

    assert '<td class="mono"><a href="/customers/c-00042/">c-00042</a></td>' in page
    assert "Isla Wilson" not in page
