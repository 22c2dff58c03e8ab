"""The search page and the top bar's live results: any signed-in staff member may search."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import responses
from django.test import Client
from django.utils import timezone

from backoffice import write_pipeline
from backoffice.form_tokens import FormScope, issue_form_token
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.paths import Endpoint
from backoffice.models import StaffMember
from backoffice.search_backend import SearchSync
from customers.search_index import CustomerSearchEntry, index_customers
from tests.conftest import FAKE_GATEWAY, TENANT
from tests.search import records
from tickets.search_index import TicketSearchEntry, index_tickets

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def indexed(db: Any) -> None:
    now = timezone.now()
    index_customers(records.EVERYONE, now)
    index_tickets(records.TICKETS, now)
    for name in ("customers", "tickets"):
        SearchSync.objects.create(index=name, completed_at=now - timezone.timedelta(minutes=5))


def html(response: Any) -> str:
    return str(response.content.decode())


@pytest.mark.parametrize("username", ["alice", "bob", "carol"])
def test_any_signed_in_staff_member_may_search(
    sign_in: Callable[..., Client], indexed: None, username: str
) -> None:
    response = sign_in(username).get("/search/", {"q": "Isla Wilsen"})
    assert response.status_code == 200
    assert 'href="/customers/c-00072/"' in html(response)


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client, indexed: None) -> None:
    response = client.get("/search/", {"q": "Isla"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_full_page_lists_customers_and_tickets_and_says_how_old_the_index_is(
    sign_in: Callable[..., Client], indexed: None
) -> None:
    page = html(sign_in("bob").get("/search/", {"q": "Isla Wilsen"}))
    assert "<!doctype html>" in page
    assert "1 customer · 1 ticket" in page
    assert 'href="/customers/c-00072/"' in page
    assert 'href="/tickets/t-00001/"' in page
    assert "Search index updated 5\xa0minutes ago" in page


def test_the_htmx_request_gets_only_the_live_fragment(
    sign_in: Callable[..., Client], indexed: None
) -> None:
    response = sign_in("bob").get("/search/", {"q": "Георги"}, **HTMX)
    fragment = html(response)
    assert "<!doctype html>" not in fragment
    assert 'data-testid="search-live"' in fragment
    assert '<span class="native" lang="bg">Георги Иванов</span>' in fragment
    assert 'href="/search/?q=%D0%93%D0%B5%D0%BE%D1%80%D0%B3%D0%B8"' in fragment
    assert "HX-Request" in response["Vary"]


def test_right_to_left_native_names_carry_their_direction(
    sign_in: Callable[..., Client], indexed: None
) -> None:
    fragment = html(sign_in("bob").get("/search/", {"q": "Mariam"}, **HTMX))
    assert 'lang="ar" dir="rtl">مريم المصري</span>' in fragment


def test_an_empty_live_query_clears_the_results(
    sign_in: Callable[..., Client], indexed: None
) -> None:
    assert html(sign_in("bob").get("/search/", {"q": "  "}, **HTMX)).strip() == ""


def test_names_and_the_query_are_escaped(sign_in: Callable[..., Client], indexed: None) -> None:
    bob = sign_in("bob")
    page = html(bob.get("/search/", {"q": "<script>alert(1)</script>"}))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Evil" in page
    tickets = html(bob.get("/search/", {"q": "payload onerror"}, **HTMX))
    assert "<img src=x" not in tickets
    assert "&lt;img src=x onerror=alert(1)&gt; payload" in tickets


def test_an_exact_indexed_id_opens_the_record(
    sign_in: Callable[..., Client], indexed: None
) -> None:
    bob = sign_in("bob")
    assert bob.get("/search/", {"q": " c-00072 "})["Location"] == "/customers/c-00072/"
    assert bob.get("/search/", {"q": "t-00002"})["Location"] == "/tickets/t-00002/"


def test_an_id_the_index_lacks_is_offered_to_open(
    sign_in: Callable[..., Client], indexed: None
) -> None:
    page = html(sign_in("bob").get("/search/", {"q": "c-99999"}))
    assert 'href="/customers/c-99999/"' in page and 'href="/tickets/c-99999/"' in page


def test_without_an_index_a_customer_id_still_jumps_like_the_old_go_to_box(
    sign_in: Callable[..., Client], db: Any
) -> None:
    assert sign_in("bob").get("/search/", {"q": "c-00042"})["Location"] == "/customers/c-00042/"


def test_an_index_never_built_says_so(sign_in: Callable[..., Client], db: Any) -> None:
    page = html(sign_in("bob").get("/search/", {"q": "Isla"}))
    assert "The search index has not been built yet" in page


def test_search_turned_off_hides_the_box_and_answers_404(
    sign_in: Callable[..., Client], indexed: None, settings: Any
) -> None:
    settings.SEARCH_ENABLED = False
    bob = sign_in("bob")
    assert bob.get("/search/", {"q": "Isla"}).status_code == 404
    assert bob.get("/search/", {"q": "Isla"}, **HTMX).status_code == 404
    page = html(bob.get("/search/", {"q": ""}, follow=False))
    assert 'id="search-q"' not in page


def test_the_top_bar_has_the_search_box_and_its_script(
    sign_in: Callable[..., Client], indexed: None
) -> None:
    page = html(sign_in("bob").get("/search/"))
    box = re.search(r'<input id="search-q"[^>]*>', page)
    assert box is not None
    assert 'hx-get="/search/"' in box.group(0)
    assert "delay:250ms" in box.group(0)
    assert re.search(r'<script src="/static/js/search\.[0-9a-f.]*js" defer>', page) or (
        '<script src="/static/js/search.js" defer>' in page
    )


THING = Endpoint("POST", "/customer/2.0.0/update/{customer_id}/status/{status}", read=False)


def test_the_apps_own_customer_write_updates_the_index(
    indexed: None, gateway: responses.RequestsMock
) -> None:
    bob, _ = StaffMember.objects.get_or_create(gateway_user_id="u-bob", username="bob")
    scope = FormScope("customer.status", "customer", "c-00072")
    gateway.post(
        f"{FAKE_GATEWAY}/customer/2.0.0/update/c-00072/status/blacklisted",
        json={"customer": {**records.ISLA, "customerStatus": "blacklisted"}},
    )
    write = write_pipeline.Write(
        scope=scope, endpoint=THING, path_params={"customer_id": "c-00072", "status": "blacklisted"}
    )

    write_pipeline.submit(
        GatewayAuth("access", TENANT, "req-1"), bob, write, issue_form_token(bob, scope)
    )

    assert CustomerSearchEntry.objects.get(customer_id="c-00072").status == "blacklisted"


def test_a_ticket_reply_leaves_the_ticket_entry_alone(
    indexed: None, gateway: responses.RequestsMock
) -> None:
    bob, _ = StaffMember.objects.get_or_create(gateway_user_id="u-bob", username="bob")
    before = TicketSearchEntry.objects.get(ticket_id="t-00001")
    gateway.post(
        f"{FAKE_GATEWAY}/finsupport/1.0.0/ticket/t-00001/admin-reply",
        json={"id": "r-1", "ticketId": "t-00001", "message": "Hello"},
    )
    write = write_pipeline.Write(
        scope=FormScope("ticket.reply", "ticket", "t-00001"),
        endpoint=Endpoint("POST", "/finsupport/1.0.0/ticket/{ticket_id}/admin-reply", False),
        path_params={"ticket_id": "t-00001"},
    )

    write_pipeline.send_once(GatewayAuth("access", TENANT, "req-2"), bob, write)

    after = TicketSearchEntry.objects.get(ticket_id="t-00001")
    assert (after.title, after.synced_at) == (before.title, before.synced_at)
