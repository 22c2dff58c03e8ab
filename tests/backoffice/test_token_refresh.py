"""A session's token is refreshed once, however many of its requests find it about to lapse."""

from __future__ import annotations

import threading
import time
from importlib import import_module

import pytest
import responses
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache

from backoffice import staff
from backoffice.deadline import gateway_deadline
from backoffice.gateway.errors import GatewayTimeout, GatewayUnauthorized
from backoffice.staff import StaffIdentity
from backoffice.token_refresh import _lock_key, refresh_once
from tests.conftest import FAKE_GATEWAY, TENANT, make_grant

TOKEN_URL = FAKE_GATEWAY + "/api/v2/auth/token"
BOB = StaffIdentity("u-bob", "bob", "Bob Compliance", ("COMPLIANCE",), TENANT)


def new_session() -> SessionBase:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    staff.store_grant(store, make_grant("u-bob", ("COMPLIANCE",), expires_in=5), BOB)
    store.save()
    return store


def renewed_answer(access: str) -> dict[str, object]:
    return {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": f"refresh-for-{access}",
        "userId": "u-bob",
        "roles": ["COMPLIANCE"],
    }


@pytest.mark.django_db
def test_it_refreshes_and_saves_the_new_pair_at_once(gateway: responses.RequestsMock) -> None:
    session = new_session()
    gateway.post(TOKEN_URL, json=renewed_answer("access-2"))
    grant = staff.load_grant(session)[0]  # type: ignore[index]
    renewed = refresh_once(session, grant, request_id="rid-1")
    assert renewed.access_token == "access-2"
    reread = staff.load_grant(type(session)(session.session_key))
    assert reread is not None and reread[0].refresh_token == "refresh-for-access-2"
    assert cache.get(_lock_key(session)) is None


@pytest.mark.django_db(transaction=True)
def test_a_request_that_finds_a_refresh_under_way_waits_for_its_token(
    gateway: responses.RequestsMock,
) -> None:
    session = new_session()
    grant = staff.load_grant(session)[0]  # type: ignore[index]
    cache.add(_lock_key(session), "the other request")

    def the_other_request_finishes() -> None:
        time.sleep(0.2)
        theirs = type(session)(session.session_key)
        staff.replace_grant(theirs, make_grant("u-bob", ("COMPLIANCE",), expires_in=3600))
        theirs["gateway_grant"] = {**theirs["gateway_grant"], "access_token": "access-theirs"}
        theirs.save()
        cache.delete(_lock_key(session))

    other = threading.Thread(target=the_other_request_finishes)
    other.start()
    renewed = refresh_once(session, grant, request_id="rid-2")
    other.join()
    assert renewed.access_token == "access-theirs"
    assert len(gateway.calls) == 0


@pytest.mark.django_db(transaction=True)
def test_two_requests_refreshing_together_call_the_gateway_once(
    gateway: responses.RequestsMock,
) -> None:
    session = new_session()
    grant = staff.load_grant(session)[0]  # type: ignore[index]

    def slow_refresh(request: object) -> tuple[int, dict[str, str], str]:
        time.sleep(0.3)
        import json

        return 200, {}, json.dumps(renewed_answer("access-once"))

    gateway.add_callback(responses.POST, TOKEN_URL, callback=slow_refresh)
    results: list[str] = []

    def one_request() -> None:
        own = type(session)(session.session_key)
        results.append(refresh_once(own, grant, request_id="rid").access_token)

    threads = [threading.Thread(target=one_request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["access-once", "access-once"]
    assert len(gateway.calls) == 1


@pytest.mark.django_db
def test_a_request_that_loaded_the_session_before_a_refresh_uses_the_new_token_without_a_call(
    gateway: responses.RequestsMock,
) -> None:
    session = new_session()
    late = type(session)(session.session_key)
    old_grant = staff.load_grant(late)[0]  # type: ignore[index]
    gateway.post(TOKEN_URL, json=renewed_answer("access-2"))
    refresh_once(session, old_grant, request_id="rid-first")

    # The lock is free again, but this request still holds the grant it loaded at its start.
    renewed = refresh_once(late, old_grant, request_id="rid-late")

    assert renewed.access_token == "access-2"
    assert len(gateway.calls) == 1


@pytest.mark.django_db
def test_a_session_saved_by_a_request_holding_the_old_grant_keeps_the_new_one(
    gateway: responses.RequestsMock,
) -> None:
    session = new_session()
    started_before_the_refresh = type(session)(session.session_key)
    old_grant = staff.load_grant(started_before_the_refresh)[0]  # type: ignore[index]
    gateway.post(TOKEN_URL, json=renewed_answer("access-2"))
    refresh_once(session, old_grant, request_id="rid-refresh")

    # That request ends by saving the session for a reason of its own.
    started_before_the_refresh["some_flag"] = True
    started_before_the_refresh.save()

    fresh = type(session)(session.session_key)
    assert fresh["some_flag"] is True
    assert fresh[staff.SESSION_KEY]["access_token"] == "access-2"
    assert fresh[staff.SESSION_KEY]["refresh_token"] == "refresh-for-access-2"
    cache.clear()  # and the database agrees, not only the cached copy
    assert type(session)(session.session_key)[staff.SESSION_KEY]["access_token"] == "access-2"


@pytest.mark.django_db
def test_a_session_signed_out_elsewhere_refreshes_nothing(gateway: responses.RequestsMock) -> None:
    session = new_session()
    grant = staff.load_grant(session)[0]  # type: ignore[index]
    type(session)(session.session_key).delete()
    with pytest.raises(GatewayUnauthorized):
        refresh_once(session, grant, request_id="rid")
    assert len(gateway.calls) == 0


@pytest.mark.django_db
def test_waiting_for_another_requests_refresh_ends_with_the_page_deadline(
    gateway: responses.RequestsMock,
) -> None:
    session = new_session()
    grant = staff.load_grant(session)[0]  # type: ignore[index]
    cache.add(_lock_key(session), "a request stuck on a slow gateway")
    started = time.monotonic()
    with gateway_deadline(0.3), pytest.raises(GatewayTimeout):
        refresh_once(session, grant, request_id="rid-3")
    assert time.monotonic() - started < 1.0  # not the lock's 14 s
    assert len(gateway.calls) == 0
