"""Refreshing a session's gateway token once, even when several of its requests need it at once.

The gateway revokes a refresh token when it is used, so two requests of one session refreshing
together would leave the slower one holding a revoked token and sign the person out. The first
request takes a short lock and refreshes; the others wait for its new token in the session.
"""

from __future__ import annotations

import time

from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache

from . import staff
from .tokens import TokenGrant, refresh_grant

LOCK_SECONDS = 10.0
POLL_SECONDS = 0.05


def _lock_key(session: SessionBase) -> str:
    return f"gateway-token-refresh:{session.session_key}"


def refresh_once(session: SessionBase, grant: TokenGrant, *, request_id: str) -> TokenGrant:
    """The session's next token pair; raises GatewayUnauthorized when the gateway refuses."""
    key = _lock_key(session)
    if not cache.add(key, request_id, timeout=LOCK_SECONDS):
        newer = _wait_for_other_refresh(session, grant, key)
        if newer is not None:
            return newer
        cache.add(key, request_id, timeout=LOCK_SECONDS)
    try:
        renewed = refresh_grant(grant, request_id=request_id)
        staff.replace_grant(session, renewed)
        # Saved now, not at the end of this request, so waiting requests see it at once.
        session.save()
        return renewed
    finally:
        cache.delete(key)


def _wait_for_other_refresh(session: SessionBase, grant: TokenGrant, key: str) -> TokenGrant | None:
    deadline = time.monotonic() + LOCK_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        stored = staff.load_grant(type(session)(session.session_key))
        if stored is not None and stored[0].access_token != grant.access_token:
            staff.replace_grant(session, stored[0])
            return stored[0]
        if cache.get(key) is None:
            return None
    return None
