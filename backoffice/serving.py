"""How many processes and threads serve requests: read by gunicorn.conf.py and the database pool.

Both read the same environment variables through here, so the database pool of each process is
sized for the threads that process really runs.
"""

from __future__ import annotations

import os

# A page spends a few milliseconds of CPU and tens to hundreds waiting on the gateway, so one
# process (one core's worth of Python) keeps about this many requests busy at once.
DEFAULT_THREADS = 8


def cpu_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = int(raw)
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")
    return value


def worker_processes() -> int:
    """One process per core (at least two, so a restarting worker never leaves nobody serving)."""
    return _positive_int("WEB_CONCURRENCY", max(2, cpu_cores()))


def worker_threads() -> int:
    return _positive_int("GUNICORN_THREADS", DEFAULT_THREADS)
