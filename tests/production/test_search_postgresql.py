"""Search on PostgreSQL: the migration's pg_trgm and GIN indexes, a sync, a misspelled name."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg

from tests.e2e import support
from tests.production.nodes import manage, node_environment

SEARCH = """
import json
from search import services
results = services.search("Isla Wilsen", limit=5)
native = services.search("Георги Иванов", limit=1)
print(json.dumps({
    "customers": [c.customer_id for c in results.customers],
    "names": [c.name for c in results.customers],
    "native": [c.native_name for c in native.customers],
}))
"""


def test_postgresql_gets_pg_trgm_indexes_and_finds_a_misspelled_name(
    postgres_database_url: str,
    sandbox_template: Path,
    sandbox_stopper: support.SandboxStopper,
    tmp_path: Path,
) -> None:
    running = support.start_sandbox(sandbox_template, tmp_path)
    try:
        _sync_and_search(postgres_database_url, running.url)
    finally:
        sandbox_stopper.stop(running)


def _sync_and_search(postgres_database_url: str, gateway_url: str) -> None:
    environment = node_environment(postgres_database_url, "locmemcache://search", gateway_url)
    migrated = manage(environment, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr

    synced = manage(environment, "sync_search")

    assert synced.returncode == 0, synced.stderr
    assert "customers: 2,200 indexed" in synced.stdout
    with psycopg.connect(postgres_database_url) as connection:
        extensions = {row[0] for row in connection.execute("SELECT extname FROM pg_extension")}
        indexes = {
            row[0]: row[1]
            for row in connection.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE '%searchentry'"
            )
        }
    assert "pg_trgm" in extensions
    assert "gin_trgm_ops" in indexes["customers_customersearchentry_trgm"]
    assert "to_tsvector" in indexes["tickets_ticketsearchentry_fulltext"]

    searched = manage(environment, "shell", "-c", SEARCH)

    assert searched.returncode == 0, searched.stderr
    found = json.loads(searched.stdout.strip().splitlines()[-1])
    assert found["customers"][0] == "c-00072"
    assert set(found["names"][:4]) == {"Isla Wilson"}
    assert found["native"] == ["Георги Иванов"]
