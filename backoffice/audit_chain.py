"""The audit trail as a tamper-evident chain: each record holds the hash of the one before.

A record's hash is SHA-256 over a canonical JSON of its content and the previous record's hash,
so changing, removing or reordering a record breaks every link after it. Appends take one lock
per database, so two processes never chain onto the same record. `first_broken_link` walks the
chain (`manage.py verify_audit`).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

GENESIS_HASH = "0" * 64
# Any constant will do: it only has to be the same number in every process that appends.
POSTGRESQL_APPEND_LOCK = 0x61756469  # "audi"
TABLE = "backoffice_auditrecord"
SQLITE_LOCK_WAIT_SECONDS = 5.0


class ChainedRecord(Protocol):
    pk: Any
    at: datetime
    staff_id: Any
    staff_user_id: str
    staff_name: str
    action: str
    target_type: str
    target_id: str
    summary: Any
    outcome: str
    gateway_status: int | None
    request_id: str
    previous_hash: str
    record_hash: str


def as_stored_json(value: Any) -> Any:
    """The value as it reads back from a JSON column (tuples become lists, keys strings)."""
    return json.loads(json.dumps(value))


def content_hash(record: ChainedRecord) -> str:
    """SHA-256 over the record's content and its previous hash, as canonical JSON."""
    content = {
        "at": record.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "staff_id": record.staff_id,
        "staff_user_id": record.staff_user_id,
        "staff_name": record.staff_name,
        "action": record.action,
        "target_type": record.target_type,
        "target_id": record.target_id,
        "summary": as_stored_json(record.summary),
        "outcome": record.outcome,
        "gateway_status": record.gateway_status,
        "request_id": record.request_id,
        "previous_hash": record.previous_hash,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def hold_append_lock(connection: BaseDatabaseWrapper) -> None:
    """Take the lock that serialises appends, until the surrounding transaction ends."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [POSTGRESQL_APPEND_LOCK])
        elif connection.vendor == "sqlite":
            _take_sqlite_write_lock(cursor)
        else:
            raise NotImplementedError(f"No audit append lock for {connection.vendor}.")


def _take_sqlite_write_lock(cursor: CursorWrapper) -> None:
    """A write that changes nothing takes SQLite's write lock before the chain's head is read;
    a read first would hold a lock that two appenders could not both upgrade."""
    deadline = time.monotonic() + SQLITE_LOCK_WAIT_SECONDS
    while True:
        try:
            cursor.execute(f"UPDATE {TABLE} SET id = id WHERE 0")  # noqa: S608 (a constant)
            return
        except OperationalError as error:
            # A shared-cache (in-memory) database answers "table is locked" at once instead
            # of waiting like a database file does; nothing is written yet, so wait and retry.
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.002)


@dataclass(frozen=True)
class BrokenLink:
    record_id: int
    at: datetime
    action: str
    target_id: str
    problem: str

    def __str__(self) -> str:
        return (
            f"Audit chain broken at record {self.record_id} "
            f"({self.at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC, {self.action}, "
            f"{self.target_id or '—'}): {self.problem}."
        )


@dataclass(frozen=True)
class ChainCheck:
    records: int
    broken: BrokenLink | None

    def __str__(self) -> str:
        if self.broken:
            return str(self.broken)
        return f"{self.records} record{'' if self.records == 1 else 's'}, chain intact."


def check_chain(records: Iterable[ChainedRecord]) -> ChainCheck:
    """Walk the records in the order they were appended; stop at the first broken link."""
    expected_previous = GENESIS_HASH
    previous_id: Any = None
    count = 0
    for record in records:
        count += 1
        problem = ""
        if record.previous_hash != expected_previous:
            problem = (
                "it does not follow the first record"
                if previous_id is None
                else f"it does not follow record {previous_id} (a record between them was "
                "removed, or this record's link was changed)"
            )
        elif content_hash(record) != record.record_hash:
            problem = "its content does not match its hash (it was changed after it was written)"
        if problem:
            return ChainCheck(
                count,
                BrokenLink(record.pk, record.at, record.action, record.target_id, problem),
            )
        expected_previous, previous_id = record.record_hash, record.pk
    return ChainCheck(count, None)
