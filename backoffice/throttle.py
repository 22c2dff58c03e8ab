"""Slow down password guessing: too many failed sign-ins lock one username for a while."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(username: str) -> str:
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()
    return f"login-failures:{digest}"


def is_locked_out(username: str) -> bool:
    failures: int = cache.get(_key(username), 0)
    return failures >= int(settings.LOGIN_FAILURE_LIMIT)


def record_failure(username: str) -> None:
    key = _key(username)
    if not cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def clear_failures(username: str) -> None:
    cache.delete(_key(username))
