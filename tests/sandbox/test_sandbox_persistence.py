"""Seeding is deterministic and fast, and data survives a restart."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

from sandbox import seed
from sandbox.app import SEED, create_app
from sandbox.server import start_in_thread
from sandbox.store import copy_database
from tests.sandbox.conftest import CUSTOMERS, QUIET, GatewayClient


def test_seeding_is_deterministic() -> None:
    first, _ = seed.build(random.Random(SEED))
    second, _ = seed.build(random.Random(SEED))
    assert json.dumps([c.detail for c in first]) == json.dumps([c.detail for c in second])


def test_seeding_a_new_database_is_fast(tmp_path: Path) -> None:
    started = time.monotonic()
    create_app(str(tmp_path / "fresh" / "db.sqlite3"), **QUIET).close()
    assert time.monotonic() - started < 3


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
