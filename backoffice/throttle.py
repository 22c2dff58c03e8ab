"""Slow down password guessing, counted atomically in the shared cache.

Each attempt takes its place in the counts before the password is checked (an atomic `incr`),
so parallel attempts check at most the limit. Counts are per username at one client address and
per client address: a stranger guessing bob's password locks bob out only where the stranger is.
Needs a cache whose `incr` is atomic: local memory (one process), Redis or memcached.

An attempt still in flight holds its place but is not a failure: one officer signing in from
several tabs at once must not lock themselves out. So an attempt refused while others are in
flight waits (briefly, within the page's deadline) for their verdicts and asks again: a success
frees the places, a failure keeps them.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .deadline import bounded

WAIT_FOR_VERDICTS_SECONDS = 5.0
POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Attempt:
    """An attempt counted before its password is checked."""

    username_at_address: str
    address: str


def _key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    return f"login-attempts:{kind}:{digest}"


def reserve(username: str, address: str) -> Attempt | None:
    """Count an attempt; None when one of the limits is used up by failures (nothing counted)."""
    attempt = Attempt(
        username_at_address=_key("username-at-address", username.strip().lower(), address),
        address=_key("address", address),
    )
    gives_up_at = time.monotonic() + bounded(WAIT_FOR_VERDICTS_SECONDS)
    while True:
        # Counted in flight before taking places, so whoever is refused for want of a place
        # always sees the attempt holding it.
        _increment(_in_flight_key(attempt))
        if _take_places(attempt):
            return attempt
        _landed(attempt)
        if not _others_in_flight(attempt) or time.monotonic() >= gives_up_at:
            return None
        time.sleep(POLL_SECONDS)


def _take_places(attempt: Attempt) -> bool:
    limits = (
        (attempt.username_at_address, int(settings.LOGIN_FAILURE_LIMIT)),
        (attempt.address, int(settings.LOGIN_ADDRESS_FAILURE_LIMIT)),
    )
    counted: list[str] = []
    for key, limit in limits:
        counted.append(key)
        if _increment(key) > limit:
            for taken in counted:
                _decrement(taken)
            return False
    return True


def _in_flight_key(attempt: Attempt) -> str:
    return attempt.username_at_address + ":in-flight"


def _others_in_flight(attempt: Attempt) -> bool:
    return int(cache.get(_in_flight_key(attempt)) or 0) > 0


def _landed(attempt: Attempt) -> None:
    _decrement(_in_flight_key(attempt))


def failed(attempt: Attempt) -> None:
    """A wrong password: the attempt stays counted, and the lock-out runs from now."""
    _landed(attempt)
    for key in (attempt.username_at_address, attempt.address):
        cache.touch(key, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def succeeded(attempt: Attempt) -> None:
    """Signed in: this username starts afresh here; the address keeps its earlier failures."""
    _landed(attempt)
    cache.delete(attempt.username_at_address)
    _decrement(attempt.address)


def undecided(attempt: Attempt) -> None:
    """The gateway gave no verdict on the password (down, slow): the attempt does not count."""
    _landed(attempt)
    for key in (attempt.username_at_address, attempt.address):
        _decrement(key)


def _increment(key: str) -> int:
    while True:
        cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        try:
            count = int(cache.incr(key))
        except ValueError:  # expired between add and incr: start it again
            continue
        if count == 1:
            # Redis's INCR recreates a key that expired a moment earlier, without a lifetime.
            cache.touch(key, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        return count


def _decrement(key: str) -> None:
    with contextlib.suppress(ValueError):  # already expired: nothing left to give back
        cache.decr(key)
