"""Gateway reads that change rarely (enums, the staff directory), kept for a while.

An optional read may also remember that it failed (a negative cache): while the failure is
remembered every page gets the same error at once instead of paying for the call, its retries
and its wait again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

from .errors import GatewayError, GatewayUnauthorized

T = TypeVar("T")

FAILURE_SUFFIX = ":failed"


def cached_read(key: str, load: Callable[[], T], *, remember_failure: bool = False) -> T:
    """`load()` once per GATEWAY_ENUM_CACHE_SECONDS: a warm page makes no such call.

    With `remember_failure`, a gateway error is kept for GATEWAY_FAILURE_CACHE_SECONDS and
    raised again without a call. An ended session (401) is the caller's, never the read's.
    """
    failure_key = key + FAILURE_SUFFIX
    found = cache.get_many([key, failure_key]) if remember_failure else {key: cache.get(key)}
    value: T | None = found.get(key)
    if value is not None:
        return value
    remembered = found.get(failure_key)
    if isinstance(remembered, GatewayError):
        raise _without_request_id(remembered)
    try:
        value = load()
    except GatewayUnauthorized:
        raise
    except GatewayError as error:
        if remember_failure:
            cache.set(failure_key, error, timeout=settings.GATEWAY_FAILURE_CACHE_SECONDS)
        raise
    cache.set(key, value, timeout=settings.GATEWAY_ENUM_CACHE_SECONDS)
    return value


def _without_request_id(remembered: GatewayError) -> GatewayError:
    """The remembered failure for this page: the banner must name this page's request id."""
    return type(remembered)(
        remembered.message, status=remembered.status, field_errors=remembered.field_errors
    )
