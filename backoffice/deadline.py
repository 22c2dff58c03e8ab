"""One gateway deadline per page: every gateway call the page makes shares what is left of it.

Without it each call has its own timeouts and retries, so a slow gateway holds a server thread
for the sum of them (a minute and more), and sign-in and static files queue behind those threads.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class Deadline:
    """When some gateway work must be done by, on the time.monotonic() clock.

    Work inside an inner deadline is bound by the outer ones too; `expire()` ends a deadline
    early (reads nobody waits for any more make no further calls).
    """

    def __init__(self, seconds: float, outer: Deadline | None) -> None:
        self.ends_at = time.monotonic() + seconds
        self.outer = outer

    def earliest_end(self) -> float:
        ends_at = self.ends_at
        outer = self.outer
        while outer is not None:
            ends_at = min(ends_at, outer.ends_at)
            outer = outer.outer
        return ends_at

    def expire(self) -> None:
        self.ends_at = -math.inf


# The deadline of the running page (or of one round of its reads); None outside a page
# (management commands), where only the per-call timeouts apply.
_current: ContextVar[Deadline | None] = ContextVar("gateway_deadline", default=None)


def time_left() -> float | None:
    """Seconds the running page has left for the gateway (may be <= 0), or None without a limit."""
    current = _current.get()
    if current is None:
        return None
    ends_at = current.earliest_end()
    return None if ends_at == math.inf else ends_at - time.monotonic()


def bounded(seconds: float) -> float:
    """`seconds`, or less when the page has less time left."""
    left = time_left()
    return seconds if left is None else max(0.0, min(seconds, left))


@contextmanager
def gateway_deadline(seconds: float = math.inf) -> Iterator[Deadline]:
    """Give the code inside `seconds` for its gateway calls (never more than an outer deadline)."""
    deadline = Deadline(seconds, _current.get())
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)
