"""Shared fixtures: a fake gateway for unit tests and signed-in staff of each role."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
import responses
from django.test import Client

from backoffice.gateway.connection import gateway_client
from backoffice.models import StaffMember
from backoffice.staff import StaffIdentity, store_grant
from backoffice.tokens import TokenGrant

FAKE_GATEWAY = "http://gateway.test"
TENANT = "finhub-demo"

STAFF = {
    "alice": ("u-alice", "Alice Admin", ("ADMIN",)),
    "bob": ("u-bob", "Bob Compliance", ("COMPLIANCE",)),
    "carol": ("u-carol", "Carol Agent", ("ASSIGNEE",)),
}


@pytest.fixture(autouse=True)
def _fresh_gateway_client(settings: pytest.FixtureRequest) -> Iterator[None]:
    """Each test builds the client from its own settings."""
    gateway_client.cache_clear()
    yield
    gateway_client.cache_clear()


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _audit_records_cleared_before_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """A transactional test ends by emptying every table, which the audit table's guard refuses
    (SQLite: a DELETE trigger); its records are removed with the guard lifted first."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    from tests.audit_guard import clear_audit_table

    clear_audit_table()


@pytest.fixture
def gateway(settings) -> Iterator[responses.RequestsMock]:  # type: ignore[no-untyped-def]
    """A fake gateway: every call the test did not register fails the test."""
    settings.GATEWAY_URL = FAKE_GATEWAY
    settings.GATEWAY_TENANT_ID = TENANT
    settings.GATEWAY_RETRY_BACKOFF = 0
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def make_grant(user_id: str, roles: tuple[str, ...], *, expires_in: float = 3600) -> TokenGrant:
    return TokenGrant(
        access_token=f"access-{user_id}-secret",
        refresh_token=f"refresh-{user_id}-secret",
        expires_at=time.time() + expires_in,
        user_id=user_id,
        roles=roles,
    )


@pytest.fixture
def sign_in(db) -> Callable[..., Client]:  # type: ignore[no-untyped-def]
    """A test client per staff member, signed in without a gateway round trip."""

    def _sign_in(username: str = "bob", *, expires_in: float = 3600) -> Client:
        client = Client()
        user_id, name, roles = STAFF[username]
        member, _ = StaffMember.objects.get_or_create(
            gateway_user_id=user_id,
            defaults={"username": f"{TENANT}:{username}", "display_name": name},
        )
        client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
        session = client.session
        identity = StaffIdentity(user_id, username, name, roles, TENANT)
        store_grant(session, make_grant(user_id, roles, expires_in=expires_in), identity)
        session.save()
        return client

    return _sign_in
