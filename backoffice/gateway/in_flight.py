"""A per-process limit on pages waiting on the gateway, so a slow gateway cannot hold every thread.

A page's concurrent reads share one place: what runs out under a slow gateway is server threads,
and a page holds one thread however many reads it makes at once. A page that finds every place
taken waits only a moment, then is told "busy" instead of queueing behind a slow gateway.
"""

from __future__ import annotations

import threading
import time
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
    """`places` pages of this process may wait on the gateway at once.

    A page finding every place taken waits for one, but never longer than `busy_wait`, and not
    at all once every place has been held for `busy_wait`: then the gateway is slow, not merely
    busy, and a place will not free up soon. Either way the page is told "busy" instead.
    """

    def __init__(self, places: int, busy_wait: float) -> None:
        self.places = places
        self.busy_wait = busy_wait
        self._changed = threading.Condition()
        self._held_since: dict[int, float] = {}  # id of the page holding a place -> when taken

    @contextmanager
    def place(self, request_id: str) -> Iterator[None]:
        """Hold a place for one gateway call; raises GatewayBusy when none frees up quickly."""
        page = _current_page.get() or _PagePlace()
        with page.lock:
            if page.calls == 0:
                self._take(id(page), request_id)
            page.calls += 1
        try:
            yield
        finally:
            with page.lock:
                page.calls -= 1
                if page.calls == 0:
                    self._give_back(id(page))

    def _take(self, page: int, request_id: str) -> None:
        with self._changed:
            give_up_at = time.monotonic() + deadline.bounded(self.busy_wait)
            while len(self._held_since) >= self.places:
                now = time.monotonic()
                youngest = max(self._held_since.values(), default=now)
                wait = min(give_up_at - now, youngest + self.busy_wait - now)
                if wait <= 0:
                    raise GatewayBusy(
                        "Too many pages are waiting on the gateway right now.",
                        request_id=request_id,
                    )
                self._changed.wait(wait)
            self._held_since[page] = time.monotonic()

    def _give_back(self, page: int) -> None:
        with self._changed:
            del self._held_since[page]
            self._changed.notify()
