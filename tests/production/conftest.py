"""Production-profile fixtures: private PostgreSQL and Redis, the sandbox, app nodes on gunicorn."""

from __future__ import annotations

from tests.e2e import support
from tests.production import services

postgres_server = services.postgres_server
redis_server = services.redis_server
postgres_database_url = services.postgres_database_url
redis_cache_url = services.redis_cache_url

sandbox_template = support.sandbox_template
sandbox_stopper = support.sandbox_stopper
own_sandbox = support.own_sandbox
