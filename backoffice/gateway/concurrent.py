"""Run independent gateway reads at the same time, so a page waits for the slowest, not the sum."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar

from django.conf import settings

from .errors import GatewayError

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What one read gave: its value, or the gateway error that stopped it."""

    value: T | None = None
    error: GatewayError | None = None

    def unwrap(self) -> T:
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


@cache
def _executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(
        max_workers=settings.GATEWAY_CONCURRENCY, thread_name_prefix="gateway-read"
    )


def _outcome(future: Future[Any]) -> Outcome[Any]:
    try:
        return Outcome(value=future.result())
    except GatewayError as error:
        return Outcome(error=error)


def read_concurrently(reads: dict[str, Callable[[], Any]]) -> dict[str, Outcome[Any]]:
    """Start every read, wait for all; a gateway error is kept per read, anything else raises."""
    first_name, *other_names = reads
    futures = {name: _executor().submit(reads[name]) for name in other_names}
    # The calling thread does one of the reads itself instead of sitting idle.
    try:
        outcomes = {first_name: Outcome(value=reads[first_name]())}
    except GatewayError as error:
        outcomes = {first_name: Outcome(error=error)}
    outcomes.update({name: _outcome(future) for name, future in futures.items()})
    return outcomes
