"""Error states say what happened and offer the way back that fits the page that failed."""

from __future__ import annotations

from collections.abc import Callable

import responses
from django.test import Client

# Nothing registered on the fake gateway: every call fails as if the gateway were down.


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined,no-any-return]


def test_the_customer_list_with_the_gateway_down_does_not_ask_for_filters(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    page = text(sign_in("bob").get("/customers/"))
    assert page.count('class="banner banner-error" role="alert"') == 1
    assert "The customers could not be loaded" in page
    assert "Choose filters" not in page


def test_the_report_with_the_gateway_down_shows_one_banner(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    page = text(sign_in("alice").get("/tickets/report/"))
    assert page.count('role="alert"') == 1
    assert page.count('class="banner banner-error" role="alert"') == 1
    assert "Choose valid filters" not in page
    assert "The tickets could not be loaded." in page


def test_a_ticket_that_cannot_be_loaded_offers_the_ticket_queue(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    page = text(sign_in("carol").get("/tickets/t-00001/"))
    assert '<a href="/tickets/">Back to the ticket queue</a>' in page
    assert "Back to customers" not in page


def test_a_customer_that_cannot_be_loaded_offers_the_customers(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    page = text(sign_in("bob").get("/customers/c-00042/"))
    assert '<a href="/customers/">Back to customers</a>' in page


def test_an_agent_refused_the_audit_is_offered_their_own_work(
    sign_in: Callable[..., Client],
) -> None:
    response = sign_in("carol").get("/audit/")
    assert response.status_code == 403
    assert '<a href="/">Back to your work</a>' in text(response)
