"""manage.py sync_search: paged through the gateway's lists, resumable, with progress."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import responses
from django.core.management import call_command
from django.core.management.base import CommandError

from backoffice.search_backend import SearchSync
from customers.search_index import CustomerSearchEntry
from tests.conftest import FAKE_GATEWAY
from tests.search import records
from tickets.search_index import TicketSearchEntry

pytestmark = pytest.mark.django_db

TOKEN_URL = FAKE_GATEWAY + "/api/v2/auth/token"
ALL_CUSTOMERS = FAKE_GATEWAY + "/customer/2.0.0/getAllByTenantId"
ALL_TICKETS = FAKE_GATEWAY + "/finsupport/1.0.0/tickets"
SERVICE_TOKEN = "access-search-sync-secret"
CUSTOMERS = [
    records.customer(n, ("Isla", "Isla"), (f"Wilson{n}", f"Wilson{n}")) for n in range(1, 6)
]


@pytest.fixture
def service_account(settings: Any, gateway: responses.RequestsMock) -> responses.RequestsMock:
    settings.SEARCH_SYNC_USERNAME = "search-sync"
    settings.SEARCH_SYNC_PASSWORD = "search-sync-password"
    settings.SEARCH_SYNC_PAGE_SIZE = 2
    gateway.post(
        TOKEN_URL,
        json={"access_token": SERVICE_TOKEN, "expires_in": 3600, "userId": "u-sync"},
    )
    return gateway


def customer_pages(
    gateway: responses.RequestsMock,
    customers: list[dict[str, Any]],
    *,
    fail_on: set[int] | None = None,
) -> None:
    """The tenant's customers, two per page, answered by the page number asked for; a page in
    `fail_on` answers 500 once (then it is taken out)."""
    pages = -(-len(customers) // 2)
    fail_on = set() if fail_on is None else fail_on

    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        number = json.loads(request.body)["pageNumber"]
        if number in fail_on:
            fail_on.discard(number)
            return 500, {}, json.dumps({"status": 500, "message": "Internal Server Error"})
        body = {
            "customers": customers[(number - 1) * 2 : number * 2],
            "pagination": {
                "numberOfPage": pages,
                "totalSize": len(customers),
                "currentPage": number,
            },
        }
        return 200, {}, json.dumps(body)

    gateway.add_callback(responses.POST, ALL_CUSTOMERS, callback=answer)


def ticket_pages(gateway: responses.RequestsMock, tickets: list[dict[str, Any]]) -> None:
    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        number = int(request.params["pageNumber"])
        body = {
            "tickets": tickets[(number - 1) * 2 : number * 2],
            "pagination": {"numberOfPage": -(-len(tickets) // 2), "totalSize": len(tickets)},
        }
        return 200, {}, json.dumps(body)

    gateway.add_callback(responses.GET, ALL_TICKETS, callback=answer)


def sync(*arguments: str) -> str:
    out = io.StringIO()
    call_command("sync_search", *arguments, stdout=out)
    return out.getvalue()


def test_it_signs_in_as_the_service_account_and_pages_through_both_lists(
    service_account: responses.RequestsMock,
) -> None:
    customer_pages(service_account, CUSTOMERS)
    ticket_pages(service_account, records.TICKETS)

    output = sync()

    token_call = service_account.calls[0]
    assert json.loads(token_call.request.body) == {
        "username": "search-sync",
        "password": "search-sync-password",
    }
    list_calls = [c for c in service_account.calls if c.request.url.startswith(ALL_CUSTOMERS)]
    assert [json.loads(c.request.body)["pageNumber"] for c in list_calls] == [1, 2, 3]
    assert all(json.loads(c.request.body)["pageSize"] == 2 for c in list_calls)
    assert all(c.request.headers["Authorization"] == f"Bearer {SERVICE_TOKEN}" for c in list_calls)
    assert CustomerSearchEntry.objects.count() == 5
    assert TicketSearchEntry.objects.count() == 3
    assert "customers: page 1 of 3 · 2 of 5" in output
    assert "customers: page 3 of 3 · 5 of 5" in output
    assert "tickets: page 2 of 2 · 3 of 3" in output
    assert "customers: 5 indexed, 0 removed" in output
    assert SearchSync.objects.get(index="customers").completed_at is not None


def test_an_interrupted_run_resumes_after_the_last_page_done(
    service_account: responses.RequestsMock,
) -> None:
    customer_pages(service_account, CUSTOMERS, fail_on={3})
    ticket_pages(service_account, records.TICKETS)

    with pytest.raises(CommandError, match="resume after the last page done \\(2\\)"):
        sync()
    state = SearchSync.objects.get(index="customers")
    assert (state.pages_done, state.completed_at) == (2, None)
    assert CustomerSearchEntry.objects.count() == 4

    service_account.calls.reset()
    output = sync()

    asked = [
        json.loads(c.request.body)["pageNumber"]
        for c in service_account.calls
        if c.request.url.startswith(ALL_CUSTOMERS)
    ]
    assert asked == [3]
    assert "customers: resuming after page 2 of 3" in output
    assert CustomerSearchEntry.objects.count() == 5
    assert SearchSync.objects.get(index="customers").completed_at is not None


def test_a_customer_gone_from_the_gateway_leaves_the_index_on_the_next_full_run(
    service_account: responses.RequestsMock,
) -> None:
    customer_pages(service_account, CUSTOMERS)
    ticket_pages(service_account, records.TICKETS)
    sync()
    service_account.remove(responses.POST, ALL_CUSTOMERS)
    customer_pages(service_account, CUSTOMERS[:4])

    output = sync()

    assert "customers: 4 indexed, 1 removed" in output
    assert not CustomerSearchEntry.objects.filter(customer_id="c-00005").exists()


def test_a_list_that_shifted_while_read_removes_nothing(
    service_account: responses.RequestsMock,
) -> None:
    customer_pages(service_account, CUSTOMERS)
    ticket_pages(service_account, records.TICKETS)
    sync()
    service_account.remove(responses.POST, ALL_CUSTOMERS)

    def shifted(request: Any) -> tuple[int, dict[str, str], str]:
        # The gateway still holds five, but paging skipped one of them.
        number = json.loads(request.body)["pageNumber"]
        seen = CUSTOMERS[:4]
        body = {
            "customers": seen[(number - 1) * 2 : number * 2],
            "pagination": {"numberOfPage": 2, "totalSize": 5},
        }
        return 200, {}, json.dumps(body)

    service_account.add_callback(responses.POST, ALL_CUSTOMERS, callback=shifted)

    output = sync()

    assert "the list moved while it was read; nothing removed" in output
    assert CustomerSearchEntry.objects.filter(customer_id="c-00005").exists()


def test_if_stale_leaves_a_fresh_index_alone(
    service_account: responses.RequestsMock, settings: Any
) -> None:
    customer_pages(service_account, CUSTOMERS)
    ticket_pages(service_account, records.TICKETS)
    sync()
    service_account.calls.reset()
    settings.SEARCH_REFRESH_SECONDS = 3600

    output = sync("--if-stale")

    assert "customers: fresh" in output and "tickets: fresh" in output
    assert [c.request.url for c in service_account.calls] == [TOKEN_URL]

    settings.SEARCH_REFRESH_SECONDS = 0
    assert "customers: 5 indexed" in sync("--if-stale")


def test_without_credentials_it_refuses_for_a_gateway_that_is_not_the_sandbox(
    settings: Any, gateway: responses.RequestsMock
) -> None:
    settings.SEARCH_SYNC_USERNAME = ""
    with pytest.raises(CommandError, match="Set SEARCH_SYNC_USERNAME"):
        sync()
    assert len(gateway.calls) == 0


def test_without_credentials_it_reads_the_sandbox_as_a_support_agent(
    settings: Any, gateway: responses.RequestsMock
) -> None:
    settings.SEARCH_SYNC_USERNAME = ""
    settings.GATEWAY_URL = "http://127.0.0.1:8001"
    gateway.post("http://127.0.0.1:8001/api/v2/auth/token", status=401, json={"status": 401})

    with pytest.raises(CommandError, match="could not sign in as carol"):
        sync()
    sent = json.loads(gateway.calls[0].request.body)
    assert sent == {"username": "carol", "password": "carol-sandbox"}
