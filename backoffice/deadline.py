"""One gateway deadline per page: every gateway call the page makes shares what is left of it.

Without it each call has its own timeouts and retries, so a slow gateway holds a server thread
for the sum of them (a minute and more), and sign-in and static files queue behind those threads.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# When the running page's time for the gateway runs out, on the time.monotonic() clock;
# None outside a page (management commands), where only the per-call timeouts apply.
_page_deadline: ContextVar[float | None] = ContextVar("gateway_page_deadline", default=None)


def time_left() -> float | None:
    """Seconds the running page has left for the gateway (may be <= 0), or None without one."""
    ends_at = _page_deadline.get()
    return None if ends_at is None else ends_at - time.monotonic()


def bounded(seconds: float) -> float:
    """`seconds`, or less when the page has less time left."""
    left = time_left()
    return seconds if left is None else max(0.0, min(seconds, left))


@contextmanager
def gateway_deadline(seconds: float) -> Iterator[None]:
    """Give the code inside `seconds` for its gateway calls (never more than an outer deadline)."""
    ends_at = time.monotonic() + seconds
    outer = _page_deadline.get()
    token = _page_deadline.set(ends_at if outer is None else min(outer, ends_at))
    try:
        yield
    finally:
        _page_deadline.reset(token)
