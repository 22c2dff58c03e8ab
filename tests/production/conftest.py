"""Production-profile fixtures: private PostgreSQL and Redis, a sandbox, two gunicorn nodes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sandbox.server import RunningSandbox
from tests.e2e import support
from tests.production import services
from tests.production.nodes import Node, manage, node_environment, start_node

postgres_server = services.postgres_server
redis_server = services.redis_server
postgres_database_url = services.postgres_database_url
redis_cache_url = services.redis_cache_url

sandbox_template = support.sandbox_template
sandbox_stopper = support.sandbox_stopper


@dataclass
class Cluster:
    """Two app nodes on one PostgreSQL database and one Redis, in front of one sandbox."""

    sandbox: RunningSandbox
    database_url: str
    node_a: Node
    node_b: Node
    redis: services.RedisServer
    redis_database: int

    @property
    def nodes(self) -> tuple[Node, Node]:
        return (self.node_a, self.node_b)


@pytest.fixture(scope="module")
def cluster(
    postgres_server: services.PostgresServer,
    redis_server: services.RedisServer,
    sandbox_template: Path,
    sandbox_stopper: support.SandboxStopper,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Cluster]:
    """Started once per test module: the database migrated, then both nodes, as in production."""
    directory = tmp_path_factory.mktemp("cluster")
    running = support.start_sandbox(sandbox_template, directory)
    name = f"finhub_cluster_{directory.name.replace('-', '_')}"
    database_url = postgres_server.create_database(name)
    redis_database = services.next_redis_database(redis_server)
    environment = node_environment(database_url, redis_server.url(redis_database), running.url)
    migrated = manage(environment, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    node_a = start_node("a", environment, directory)
    try:
        node_b = start_node("b", environment, directory)
    except BaseException:
        node_a.stop()
        raise
    yield Cluster(running, database_url, node_a, node_b, redis_server, redis_database)
    node_a.stop()
    node_b.stop()
    sandbox_stopper.stop(running)


@pytest.fixture
def nodes(cluster: Cluster) -> Iterator[Cluster]:
    """The module's cluster; sign-in failures and cached state are cleared after each test."""
    yield cluster
    cluster.redis.client(cluster.redis_database).flushdb()
