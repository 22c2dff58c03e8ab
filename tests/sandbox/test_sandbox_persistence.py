"""Seeding is deterministic and fast, and data survives a restart."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

from sandbox.app import SEED, create_app
from sandbox.customer import seed
from sandbox.server import start_in_thread
from sandbox.store import copy_database
from tests.sandbox.conftest import CUSTOMERS, QUIET, GatewayClient


def test_seeding_is_deterministic() -> None:
    first, _ = seed.build(random.Random(SEED))
    second, _ = seed.build(random.Random(SEED))
    assert json.dumps([c.detail for c in first]) == json.dumps([c.detail for c in second])


def test_data_survives_a_restart(seeded_db: Path, tmp_path: Path) -> None:
    path = str(tmp_path / "db.sqlite3")
    copy_database(str(seeded_db), path)
    running = start_in_thread(path, **QUIET)
    try:
        client = GatewayClient(running)
        client.post(f"{CUSTOMERS}/update/c-00200/status/dispute", json={})
        before = client.get(f"{CUSTOMERS}/c-00200").json()
        total = client.post(f"{CUSTOMERS}/getAllByTenantId", json={}).json()["pagination"]
    finally:
        running.stop()
    running = start_in_thread(path, **QUIET)
    try:
        client = GatewayClient(running)
        assert client.get(f"{CUSTOMERS}/c-00200").json() == before
        assert before["customerStatus"] == "dispute"
        again = client.post(f"{CUSTOMERS}/getAllByTenantId", json={}).json()["pagination"]
        assert again == total
    finally:
        running.stop()


def test_a_database_seeded_before_the_service_packages_is_not_seeded_again(
    seeded_db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "db.sqlite3"
    copy_database(str(seeded_db), str(path))
    with sqlite3.connect(path) as connection:
        markers = {row[0] for row in connection.execute("SELECT key FROM sandbox_meta")}
        customers = connection.execute("SELECT COUNT(*) FROM customers").fetchone()[0]
    connection.close()
    # The names the markers had when the services were the modules sandbox/customers.py and
    # sandbox/finsupport.py: a demo database from then must open without a second seed.
    assert {"seeded:sandbox.customers", "seeded:sandbox.finsupport"} <= markers
    create_app(str(path), **QUIET).close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT COUNT(*) FROM customers").fetchone()[0] == customers
    connection.close()
