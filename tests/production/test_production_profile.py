"""The production profile: PostgreSQL and Redis from the environment, used the way they are meant.

Each test runs the app's own ``manage.py`` in separate processes, as a deployment would.
"""

from __future__ import annotations

import json

import psycopg

from tests.production.nodes import manage, node_environment

UNUSED_GATEWAY = "http://127.0.0.1:9"

SHOW_SETTINGS = """
import json
from django.conf import settings
database = settings.DATABASES["default"]
from django.core.cache import cache
cache.set("probe", 42)
print(json.dumps({
    "engine": database["ENGINE"],
    "pool": database["OPTIONS"].get("pool"),
    "cache": settings.CACHES["default"]["BACKEND"],
}))
"""


def test_a_fresh_postgresql_database_takes_every_migration(
    postgres_database_url: str, redis_cache_url: str
) -> None:
    environment = node_environment(postgres_database_url, redis_cache_url, UNUSED_GATEWAY)

    migrated = manage(environment, "migrate", "--noinput")

    assert migrated.returncode == 0, migrated.stderr
    with psycopg.connect(postgres_database_url) as connection:
        tables = {
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        }
    assert {"backoffice_auditrecord", "backoffice_staffmember", "django_session"} <= tables


def test_the_production_profile_pools_one_connection_per_thread_and_shares_the_cache(
    postgres_database_url: str, redis_cache_url: str
) -> None:
    environment = node_environment(postgres_database_url, redis_cache_url, UNUSED_GATEWAY)
    environment["GUNICORN_THREADS"] = "6"

    shown = manage(environment, "shell", "-v", "0", "-c", SHOW_SETTINGS)

    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == {
        "engine": "django.db.backends.postgresql",
        "pool": {"min_size": 1, "max_size": 6, "timeout": 10.0},
        "cache": "django.core.cache.backends.redis.RedisCache",
    }
    # What that process put in the cache, another reads.
    read = manage(
        environment,
        "shell",
        "-v",
        "0",
        "-c",
        "from django.core.cache import cache as c; print(c.get('probe'))",
    )
    assert read.stdout.strip() == "42", read.stderr
