"""Filling a search index from a paged gateway list, resumable page by page.

Each page is stored together with the note that it is done, so a run that is interrupted (the
gateway fails, the process is stopped) resumes after the last page it finished. At the end of a
complete run, entries the run did not see are removed, but only when the run saw as many
records as the gateway said it holds: a list that shifted while it was paged (a ticket updated
meanwhile moves to the top) can skip one, and a skipped record must not vanish from search.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from .search_backend import SearchSync


@dataclass(frozen=True)
class SourcePage:
    records: Sequence[Any]
    pages: int
    total: int


class IndexSource(Protocol):
    """One index and the gateway list that fills it."""

    name: str

    def fetch_page(self, number: int, size: int) -> SourcePage: ...

    def store(self, records: Sequence[Any], synced_at: datetime) -> int: ...

    def count_since(self, moment: datetime) -> int: ...

    def prune(self, before: datetime) -> int: ...


@dataclass(frozen=True)
class SyncOutcome:
    index: str
    stored: int
    removed: int
    resumed_from: int
    complete: bool


def sync_state(name: str) -> SearchSync:
    state, _ = SearchSync.objects.get_or_create(index=name)
    return state


def sync_index(
    source: IndexSource,
    *,
    page_size: int,
    restart: bool = False,
    progress: Callable[[str], None] = lambda line: None,
) -> SyncOutcome:
    state = sync_state(source.name)
    if restart or state.run_started_at is None:
        state.run_started_at, state.pages_done = timezone.now(), 0
        state.save(update_fields=["run_started_at", "pages_done"])
    resumed_from = state.pages_done
    if resumed_from:
        progress(f"{source.name}: resuming after page {resumed_from} of {state.pages}")
    stored = 0
    number = state.pages_done + 1
    while True:
        page = source.fetch_page(number, page_size)
        with transaction.atomic():
            stored += source.store(page.records, timezone.now())
            state.pages_done, state.pages, state.items = number, page.pages, page.total
            state.save(update_fields=["pages_done", "pages", "items"])
        done = min(number * page_size, page.total)
        progress(f"{source.name}: page {number} of {page.pages} · {done:,} of {page.total:,}")
        if number >= page.pages or not page.records:
            break
        number += 1
    started = state.run_started_at
    assert started is not None
    removed = 0
    if source.count_since(started) >= state.items:
        removed = source.prune(before=started)
    else:
        progress(f"{source.name}: the list moved while it was read; nothing removed this time")
    state.completed_at, state.run_started_at, state.pages_done = timezone.now(), None, 0
    state.save(update_fields=["completed_at", "run_started_at", "pages_done"])
    return SyncOutcome(source.name, stored, removed, resumed_from, complete=True)
