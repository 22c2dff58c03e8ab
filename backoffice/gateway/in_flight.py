"""A per-process limit on pages waiting on the gateway, so a slow gateway cannot hold every thread.

A page's concurrent reads share one place: what runs out under a slow gateway is server threads,
and a page holds one thread however many reads it makes at once. A page that finds every place
taken waits only a moment, then is told "busy" instead of queueing for minutes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from .. import deadline
from .errors import GatewayBusy


@dataclass
class _PagePlace:
    """The running page's hold on a place: taken by its first call, given back by its last."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    calls: int = 0


_current_page: ContextVar[_PagePlace | None] = ContextVar("gateway_page_place", default=None)


@contextmanager
def one_page() -> Iterator[None]:
    """The gateway calls inside (and in threads that copy this context) count as one page."""
    token = _current_page.set(_PagePlace())
    try:
        yield
    finally:
        _current_page.reset(token)


class InFlightLimit:
    def __init__(self, places: int, busy_wait: float) -> None:
        self.places = places
        self.busy_wait = busy_wait
        self._free = threading.Semaphore(places)

    @contextmanager
    def place(self, request_id: str) -> Iterator[None]:
        """Hold a place for one gateway call; raises GatewayBusy when none frees up quickly."""
        page = _current_page.get() or _PagePlace()
        with page.lock:
            if page.calls == 0:
                self._take(request_id)
            page.calls += 1
        try:
            yield
        finally:
            with page.lock:
                page.calls -= 1
                if page.calls == 0:
                    self._free.release()

    def _take(self, request_id: str) -> None:
        if not self._free.acquire(timeout=deadline.bounded(self.busy_wait)):
            raise GatewayBusy(
                "Too many pages are waiting on the gateway right now.", request_id=request_id
            )
