"""Gateway reads that change rarely (enum lists, the staff directory), kept for a while."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")


def cached_read(key: str, load: Callable[[], T]) -> T:
    """`load()` once per GATEWAY_ENUM_CACHE_SECONDS: a warm page makes no such call."""
    value: T | None = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, timeout=settings.GATEWAY_ENUM_CACHE_SECONDS)
    return value
