"""The staff directory is optional: when it is missing or failing, no page pays for it twice."""

from __future__ import annotations

import pytest
import responses
from django.core.cache import cache

from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.errors import GatewayNotFound, GatewayUnauthorized, GatewayUnavailable
from backoffice.staff_directory import staff_directory, staff_names
from tests.conftest import FAKE_GATEWAY, TENANT

STAFF_USERS = FAKE_GATEWAY + "/api/v2/users"
STAFF = [{"id": "u-erin", "username": "erin", "name": "Erin Compliance", "roles": ["COMPLIANCE"]}]
AUTH = GatewayAuth(access_token="access-u-bob-secret", tenant_id=TENANT, request_id="rid-1")


def staff_calls(gateway: responses.RequestsMock) -> int:
    return sum(1 for call in gateway.calls if call.request.url == STAFF_USERS)


def test_a_missing_directory_is_asked_once_then_remembered(
    gateway: responses.RequestsMock,
) -> None:
    gateway.get(STAFF_USERS, status=404, json={"status": 404, "message": "No such endpoint"})
    for _ in range(3):
        with pytest.raises(GatewayNotFound):
            staff_directory(AUTH)
        assert staff_names(AUTH) == {}
    assert staff_calls(gateway) == 1


def test_a_failing_directory_is_not_asked_again_while_the_failure_is_remembered(
    gateway: responses.RequestsMock, settings: pytest.FixtureRequest
) -> None:
    settings.GATEWAY_READ_RETRIES = 2  # type: ignore[attr-defined]
    gateway.get(STAFF_USERS, status=503, json={"status": 503})
    assert staff_names(AUTH) == {}
    first_page = staff_calls(gateway)
    assert first_page == 3  # the read and its two retries, once
    for _ in range(5):
        assert staff_names(AUTH) == {}
    assert staff_calls(gateway) == first_page


def test_the_remembered_failure_says_what_went_wrong(gateway: responses.RequestsMock) -> None:
    gateway.get(STAFF_USERS, status=503, json={"status": 503, "message": "Directory down"})
    with pytest.raises(GatewayUnavailable, match="Directory down"):
        staff_directory(AUTH)
    with pytest.raises(GatewayUnavailable, match="Directory down"):
        staff_directory(AUTH)


def test_the_directory_is_asked_again_once_the_failure_is_forgotten(
    gateway: responses.RequestsMock,
) -> None:
    gateway.get(STAFF_USERS, status=503, json={"status": 503})
    assert staff_names(AUTH) == {}
    gateway.replace(responses.GET, STAFF_USERS, json=STAFF)
    cache.clear()  # what the failure's expiry does
    assert staff_names(AUTH) == {"u-erin": "Erin Compliance"}


def test_a_failure_is_remembered_for_the_configured_time(
    gateway: responses.RequestsMock,
    settings: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.GATEWAY_FAILURE_CACHE_SECONDS = 17  # type: ignore[attr-defined]
    stored: list[tuple[str, object]] = []
    original_set = cache.set

    def recording_set(key: str, value: object, timeout: object = None, **kwargs: object) -> None:
        stored.append((key, timeout))
        original_set(key, value, timeout, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "set", recording_set)
    gateway.get(STAFF_USERS, status=503, json={"status": 503})
    assert staff_names(AUTH) == {}
    assert [timeout for _, timeout in stored] == [17]


def test_an_ended_session_is_never_remembered_as_a_directory_failure(
    gateway: responses.RequestsMock,
) -> None:
    gateway.get(STAFF_USERS, status=401, json={"status": 401})
    for _ in range(2):
        with pytest.raises(GatewayUnauthorized):
            staff_names(AUTH)
    assert staff_calls(gateway) == 2


def test_the_directory_is_read_once_while_it_is_cached(gateway: responses.RequestsMock) -> None:
    gateway.get(STAFF_USERS, json=STAFF)
    for _ in range(3):
        assert staff_names(AUTH) == {"u-erin": "Erin Compliance"}
    assert staff_calls(gateway) == 1


def test_a_remembered_failure_never_carries_an_earlier_pages_request_id(
    gateway: responses.RequestsMock,
) -> None:
    gateway.get(STAFF_USERS, status=503, json={"status": 503, "message": "down"})
    with pytest.raises(GatewayUnavailable) as first:
        staff_directory(AUTH)
    assert first.value.request_id == "rid-1"
    calls_for_the_first_page = staff_calls(gateway)
    later_page = GatewayAuth(access_token=AUTH.access_token, tenant_id=TENANT, request_id="rid-2")
    with pytest.raises(GatewayUnavailable) as remembered:
        staff_directory(later_page)
    # The banner then names the page's own request id, not the page that met the failure.
    assert remembered.value.request_id != "rid-1"
    assert remembered.value.message == first.value.message
    assert staff_calls(gateway) == calls_for_the_first_page
