"""The ticket page pays for a missing or failing staff directory once, not once per use."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import responses
from django.test import Client

from tests.tickets.factories import STAFF_USERS, TICKET_ID, called, register_ticket_page

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
