"""Refreshing a session's gateway token once, even when several of its requests need it at once.

The gateway revokes a refresh token when it is used, so two requests of one session refreshing
together would leave the slower one holding a revoked token and sign the person out. Requests
take turns through a lock in the shared cache (an atomic `add`, so it holds across processes when
the cache is Redis). Whoever holds it first reads the session from the database, not the cache:
if another request has refreshed meanwhile, that token is used and nothing is sent.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache

from . import deadline as page_deadline
from . import staff
from .gateway.errors import GatewayTimeout, GatewayUnauthorized
from .session_store import SessionStore
from .tokens import TokenGrant, refresh_grant

POLL_SECONDS = 0.02


def lock_seconds() -> float:
    """Longer than a refresh call may take, so the lock never lapses under a live refresh."""
    return float(settings.GATEWAY_CONNECT_TIMEOUT + settings.GATEWAY_READ_TIMEOUT + 2)


def _lock_key(session: SessionBase) -> str:
    return f"gateway-token-refresh:{session.session_key}"


def refresh_once(session: SessionBase, grant: TokenGrant, *, request_id: str) -> TokenGrant:
    """The session's next token pair; raises GatewayUnauthorized when the gateway refuses."""
    key = _lock_key(session)
    _take_turn(key, request_id)
    try:
        stored = _stored_grant(session)
        if stored is None:
            raise GatewayUnauthorized("The session has ended.", request_id=request_id)
        if stored.access_token != grant.access_token:
            # Refreshed by another request while this one waited: the session already has it.
            return stored
        renewed = refresh_grant(stored, request_id=request_id)
        staff.replace_grant(session, renewed)
        # Saved now, not at the end of this request, so the requests waiting their turn see it.
        session.save()
        return renewed
    finally:
        cache.delete(key)


def _take_turn(key: str, request_id: str) -> None:
    timeout = lock_seconds()
    # No longer than the page has left for the gateway: the turn only leads to a gateway call.
    give_up_at = time.monotonic() + page_deadline.bounded(timeout + 1)
    while not cache.add(key, request_id, timeout=timeout):
        if time.monotonic() > give_up_at:
            raise GatewayTimeout(
                "Another request of this session is still renewing its gateway token.",
                request_id=request_id,
            )
        time.sleep(POLL_SECONDS)


def _stored_grant(session: SessionBase) -> TokenGrant | None:
    stored = SessionStore(session.session_key).stored_data()
    loaded = staff.load_grant(stored) if stored is not None else None
    return None if loaded is None else loaded[0]
