"""The customer page's gateway reads: one concurrent round, and an optional directory paid once."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
import requests
import responses
from django.test import Client

from tests.customers.test_customer_detail_view import (
    CUSTOMER_ID,
    DETAIL,
    DOCUMENTS,
    SEPA,
    STAFF,
    STAFF_USERS,
    customer_json,
    documents_json,
    register_profile,
)

PAGE = f"/customers/{CUSTOMER_ID}/"


@pytest.fixture
def bob(sign_in: Callable[..., Client]) -> Client:
    return sign_in("bob")


def all_at_once(gateway: responses.RequestsMock, answers: dict[str, Any]) -> None:
    """Each read waits until every other read has started: reads made in two rounds break the
    barrier (its wait times out), so their part of the page fails."""
    barrier = threading.Barrier(len(answers), timeout=5)

    def answer_for(
        body: Any,
    ) -> Callable[[requests.PreparedRequest], tuple[int, dict[str, str], str]]:
        def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
            barrier.wait()
            return 200, {"Content-Type": "application/json"}, json.dumps(body)

        return answer

    for url, body in answers.items():
        gateway.add_callback(responses.GET, url, callback=answer_for(body))


def test_the_page_makes_all_of_its_reads_in_one_round(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    all_at_once(
        gateway,
        {
            DETAIL: customer_json(),
            DOCUMENTS: documents_json(),
            SEPA: {"sepaId": "FH0042BG"},
            STAFF_USERS: STAFF,
        },
    )
    response = bob.get(PAGE)
    page = response.content.decode()
    assert response.status_code == 200
    assert "FH0042BG" in page
    assert "No documents on record" in page
    assert "by Erin Compliance" in page
    assert len(gateway.calls) == 4


def test_with_the_directory_cached_the_page_reads_the_rest_in_one_round(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway)
    assert bob.get(PAGE).status_code == 200
    gateway.reset()
    all_at_once(
        gateway, {DETAIL: customer_json(), DOCUMENTS: documents_json(), SEPA: {"sepaId": "FH9"}}
    )
    response = bob.get(PAGE)
    assert response.status_code == 200
    assert "FH9" in response.content.decode()
    assert sorted(call.request.url for call in gateway.calls) == sorted([DETAIL, DOCUMENTS, SEPA])


@pytest.mark.parametrize("status", [404, 503])
def test_a_missing_or_failing_staff_directory_is_asked_on_the_first_page_only(
    bob: Client, gateway: responses.RequestsMock, status: int
) -> None:
    register_profile(gateway)
    gateway.replace(responses.GET, STAFF_USERS, status=status, json={"status": status})
    first = bob.get(PAGE)
    asked = sum(1 for call in gateway.calls if call.request.url == STAFF_USERS)
    assert first.status_code == 200
    assert asked >= 1
    for _ in range(3):
        again = bob.get(PAGE)
        assert again.status_code == 200
        assert "by u-erin" in again.content.decode()
    assert sum(1 for call in gateway.calls if call.request.url == STAFF_USERS) == asked
    assert sum(1 for call in gateway.calls if call.request.url == DETAIL) == 4


def test_viewing_the_page_writes_nothing_to_the_database(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    register_profile(gateway)
    assert bob.get(PAGE).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert bob.get(PAGE).status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]
    assert writes == []
