"""The signed-in person comes from the cache, not a query per request, and never goes stale."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from backoffice.models import StaffMember

NO_GATEWAY_PAGE = "/customers/go/?id=c-00010"


@pytest.fixture
def bob(sign_in: Callable[..., Client]) -> Client:
    return sign_in("bob")


def member(username: str = "bob") -> StaffMember:
    return StaffMember.objects.get(username=f"finhub-demo:{username}")


def test_a_signed_in_request_makes_no_query_for_the_person(
    bob: Client, django_assert_num_queries: Any
) -> None:
    assert bob.get(NO_GATEWAY_PAGE).status_code == 302
    with django_assert_num_queries(0):
        response = bob.get(NO_GATEWAY_PAGE)
    assert response.status_code == 302
    assert response.wsgi_request.user.username == "finhub-demo:bob"


def test_a_saved_change_to_the_person_shows_on_the_next_request(bob: Client) -> None:
    assert bob.get(NO_GATEWAY_PAGE).wsgi_request.user.time_zone == ""
    changed = member()
    changed.time_zone = "Asia/Tokyo"
    changed.save(update_fields=["time_zone"])
    assert bob.get(NO_GATEWAY_PAGE).wsgi_request.user.time_zone == "Asia/Tokyo"


def test_a_deactivated_person_is_signed_out_at_once(bob: Client) -> None:
    assert bob.get(NO_GATEWAY_PAGE).status_code == 302
    StaffMember.objects.filter(pk=member().pk).update(is_active=False)
    # A queryset update sends no signal: the cached row must not outlive it for long, and a
    # save (as every code path in the app does) drops it at once.
    gone = member()
    gone.save()
    response = bob.get(NO_GATEWAY_PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_deleted_person_is_signed_out(bob: Client) -> None:
    assert bob.get(NO_GATEWAY_PAGE).status_code == 302
    member().delete()
    response = bob.get(NO_GATEWAY_PAGE)
    assert response["Location"].startswith("/login/")


def test_a_session_of_another_person_never_gets_the_cached_one(
    bob: Client, sign_in: Callable[..., Client]
) -> None:
    alice = sign_in("alice")
    assert bob.get(NO_GATEWAY_PAGE).wsgi_request.user.username == "finhub-demo:bob"
    assert alice.get(NO_GATEWAY_PAGE).wsgi_request.user.username == "finhub-demo:alice"
    assert bob.get(NO_GATEWAY_PAGE).wsgi_request.user.username == "finhub-demo:bob"
