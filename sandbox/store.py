"""SQLite persistence shared by every service module.

One connection guarded by a re-entrant lock: waitress runs handlers on several threads, and
SQLite is fast enough here that serialising access is simpler than a connection per thread.
Service modules keep their own tables (see ``SCHEMA`` in ``sandbox.routing``'s docstring) and
reach them through :meth:`Store.read` and :meth:`Store.write`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_META_SCHEMA = "CREATE TABLE IF NOT EXISTS sandbox_meta (key TEXT PRIMARY KEY, value TEXT);"


class Store:
    def __init__(self, path: str) -> None:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._connection.row_factory = sqlite3.Row
        self._connection.execute("PRAGMA synchronous=NORMAL")
        self._connection.executescript(_META_SCHEMA)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._connection

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def apply_schema(self, schema: str) -> None:
        with self._lock:
            self._connection.executescript(schema)

    def is_seeded(self, name: str) -> bool:
        with self.read() as connection:
            row = connection.execute(
                "SELECT 1 FROM sandbox_meta WHERE key = ?", (f"seeded:{name}",)
            ).fetchone()
        return row is not None

    def mark_seeded(self, connection: sqlite3.Connection, name: str) -> None:
        connection.execute(
            "INSERT OR REPLACE INTO sandbox_meta (key, value) VALUES (?, 'yes')",
            (f"seeded:{name}",),
        )

    def close(self) -> None:
        with self._lock:
            self._connection.close()


def copy_database(source: str, destination: str) -> None:
    """Copy a (seeded) sandbox database file, e.g. so tests seed once and reuse the result."""
    Path(destination).parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(destination) as dst:
        src.backup(dst)
    src.close()
    dst.close()
