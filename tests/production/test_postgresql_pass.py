"""The unit tests of the database layer, run once more on PostgreSQL and Redis.

The rest of the suite runs on SQLite and a per-process cache. What leans on the database's own
behaviour (the audit table's append-only trigger and hash chain, form-token state moves,
conditional updates of approvals, the session row lock, atomic throttle counting in the cache)
runs here again, in a pytest of its own whose DATABASE_URL and CACHE_URL point at this session's
private servers. A test that only means something on PostgreSQL (``connection.vendor``) is
skipped on SQLite and must run here: this pass allows no skips.
"""

from __future__ import annotations

import os
import re
import subprocess

from tests.production.nodes import BIN, PROJECT, node_environment
from tests.production.services import PostgresServer

DATABASE_LAYER_TESTS = [
    "tests/backoffice/test_audit_chain.py",
    "tests/backoffice/test_write_pipeline.py",
    "tests/backoffice/test_token_refresh.py",
    "tests/backoffice/test_sign_in_throttle.py",
    "tests/customers/test_approvals.py",
    "tests/customers/test_change_request_migration.py",
]
UNUSED_GATEWAY = "http://127.0.0.1:9"


def test_the_database_layer_tests_pass_on_postgresql_and_redis(
    postgres_server: PostgresServer, redis_cache_url: str
) -> None:
    missing = [path for path in DATABASE_LAYER_TESTS if not (PROJECT / path).exists()]
    assert not missing, f"moved or renamed? update DATABASE_LAYER_TESTS: {missing}"
    # pytest-django makes (and drops) test_<name> next to it.
    database_url = postgres_server.url(f"finhub_unit_{os.getpid()}")
    environment = node_environment(database_url, redis_cache_url, UNUSED_GATEWAY)

    run = subprocess.run(
        [str(BIN / "python"), "-m", "pytest", "-q", "-rs", *DATABASE_LAYER_TESTS],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )

    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert re.search(r"\d+ passed", summary), summary
    assert "skipped" not in summary, run.stdout[-3000:]
