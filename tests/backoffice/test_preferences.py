"""Each person sees dates in their own time zone."""

from __future__ import annotations

from collections.abc import Callable

import responses
from django.test import Client

from backoffice.models import StaffMember
from tests.customers.test_customer_list_view import ALL_OF_TENANT, customer_json, page_json


def list_with_one_customer_created_at_noon_utc(gateway: responses.RequestsMock) -> None:
    gateway.post(ALL_OF_TENANT, json=page_json([customer_json(1, created="2026-01-15T12:00:00Z")]))


def test_dates_are_shown_in_the_deployment_zone_by_default(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    list_with_one_customer_created_at_noon_utc(gateway)
    page = sign_in("bob").get("/customers/").content.decode()
    assert "2026-01-15 13:00" in page  # Europe/Berlin in winter


def test_a_person_who_picks_a_zone_sees_dates_in_it(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    bob = sign_in("bob")
    response = bob.post("/preferences/", {"time_zone": "America/New_York", "next": "/customers/"})
    assert response.status_code == 302
    assert response["Location"] == "/customers/"
    assert StaffMember.objects.get(gateway_user_id="u-bob").time_zone == "America/New_York"
    list_with_one_customer_created_at_noon_utc(gateway)
    page = bob.get("/customers/").content.decode()
    assert "2026-01-15 07:00" in page
    assert 'datetime="2026-01-15T07:00:00-05:00"' in page
    # Another person keeps the default.
    assert "2026-01-15 13:00" in sign_in("alice").get("/customers/").content.decode()


def test_an_unknown_zone_is_refused_and_nothing_is_saved(
    sign_in: Callable[..., Client],
) -> None:
    bob = sign_in("bob")
    response = bob.post("/preferences/", {"time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 400
    assert StaffMember.objects.get(gateway_user_id="u-bob").time_zone == ""


def test_it_never_sends_you_to_another_site_afterwards(sign_in: Callable[..., Client]) -> None:
    response = sign_in("bob").post(
        "/preferences/", {"time_zone": "UTC", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/preferences/"
