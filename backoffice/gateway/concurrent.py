"""Run independent gateway reads at the same time, so a page waits for the slowest, not the sum."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextvars import copy_context
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar

from django.conf import settings

from .. import deadline
from ..request_id import current_request_id
from .connection import gateway_client
from .errors import GatewayBusy, GatewayDeadlineExceeded, GatewayError, GatewayUnavailable

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


def gateway_not_answering(error: GatewayError) -> bool:
    """No answer at all (timeout, refused or broken connection, busy, out of time): the other
    reads of the page are waiting on the same silent gateway. An error the gateway *answered*
    (a 404, a 503) says nothing about them, so they are still worth their answers."""
    return isinstance(error, GatewayUnavailable) and error.status is None


def read_concurrently(reads: dict[str, Callable[[], Any]]) -> dict[str, Outcome[Any]]:
    """Start every read, wait for their answers; a gateway error is kept per read.

    As soon as one read finds the gateway not answering, or the page's deadline passes, the
    reads still running are abandoned with that error instead of waited for. Each read runs in
    a copy of the caller's context, so it shares the page's deadline and request id. Anything
    other than a gateway error raises.
    """
    # The page takes its place before its reads queue for threads: a page that would only be
    # told "busy" must not first wait for the threads other pages' reads are holding.
    try:
        with gateway_client().in_flight.place(current_request_id.get()):
            return _read_all(reads)
    except GatewayBusy as busy:
        return {name: Outcome(error=busy) for name in reads}


def _read_all(reads: dict[str, Callable[[], Any]]) -> dict[str, Outcome[Any]]:
    outcomes: dict[str, Outcome[Any]] = {}
    stopped_by: GatewayError | None = None
    with deadline.gateway_deadline() as this_round:
        pending = {
            _executor().submit(copy_context().run, read): name for name, read in reads.items()
        }
        try:
            while pending and stopped_by is None:
                done, _ = wait(pending, timeout=deadline.time_left(), return_when=FIRST_COMPLETED)
                if not done:
                    stopped_by = GatewayDeadlineExceeded(
                        "The page ran out of time waiting for the gateway.",
                        request_id=current_request_id.get(),
                    )
                for future in done:
                    outcome = outcomes[pending.pop(future)] = _outcome(future)
                    if outcome.error is not None and gateway_not_answering(outcome.error):
                        stopped_by = stopped_by or outcome.error
        finally:
            if pending:
                # Reads not started never start; running ones make no further call or retry,
                # and the call they are in ends by the page's deadline, unwaited.
                this_round.expire()
                for future in pending:
                    future.cancel()
    for name in pending.values():
        outcomes[name] = Outcome(error=stopped_by)
    return {name: outcomes[name] for name in reads}
