"""Private, throwaway PostgreSQL and Redis servers for one test session.

Each session starts its own PostgreSQL cluster (initdb into a temporary directory, a free port,
its unix socket in that directory) and its own redis-server on a free port, so several test runs
on one machine never meet. ``bin/ensure-services`` (run by ``make test``) installs Debian's
packages where they are missing; a missing binary here fails the test rather than skipping it.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import redis

START_TIMEOUT = 30.0
PORT_ATTEMPTS = 5
DATABASE_USER = "finhub"
REDIS_DATABASES = 64


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_bin_dir() -> Path:
    """Where initdb, pg_ctl and postgres live: $PG_BIN, PATH, or Debian's newest version."""
    candidates = [os.environ.get("PG_BIN", "")]
    on_path = shutil.which("initdb")
    candidates.append(str(Path(on_path).resolve().parent) if on_path else "")
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates += [str(path) for path in debian]
    for candidate in filter(None, candidates):
        if (Path(candidate) / "pg_ctl").exists() and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    pytest.fail("PostgreSQL is not installed: run bin/ensure-services (make test does).")


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the ``postgres`` system user then."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@dataclass
class PostgresServer:
    bin_dir: Path
    directory: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.directory / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgres://{DATABASE_USER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=DATABASE_USER, dbname=database, autocommit=True
        )

    def create_database(self, name: str) -> str:
        """A new, empty database; returns its URL."""
        with self.connect() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')  # name chosen by the tests
        return self.url(name)

    def start(self) -> bool:
        options = " ".join(
            [
                f"-p {self.port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.directory}",
                # Throwaway data: no need to wait for the disk.
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
            ]
        )
        command = [
            str(self.bin_dir / "pg_ctl"),
            *("start", "--wait", f"--timeout={int(START_TIMEOUT)}"),
            *("-D", str(self.data_dir), "-l", str(self.directory / "server.log"), "-o", options),
        ]
        result = subprocess.run(_as_server_user(command), capture_output=True, text=True)
        return result.returncode == 0

    def stop(self) -> None:
        command = [str(self.bin_dir / "pg_ctl"), "stop", "-D", str(self.data_dir), "-m", "fast"]
        subprocess.run(_as_server_user(command), capture_output=True)

    def log(self) -> str:
        path = self.directory / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


def start_postgres() -> PostgresServer:
    bin_dir = postgres_bin_dir()
    # Not under pytest's basetemp: as root that is private to root, and the server runs as
    # ``postgres``, which must own its directory.
    directory = Path(tempfile.mkdtemp(prefix="finhub-postgres-"))
    if os.geteuid() == 0:
        server_user = pwd.getpwnam("postgres")
        os.chown(directory, server_user.pw_uid, server_user.pw_gid)
    initdb = [
        str(bin_dir / "initdb"),
        *("-D", str(directory / "data"), "-U", DATABASE_USER),
        *("--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"),
    ]
    result = subprocess.run(_as_server_user(initdb), capture_output=True, text=True)
    if result.returncode != 0:
        shutil.rmtree(directory, ignore_errors=True)
        pytest.fail(f"initdb failed:\n{result.stdout}\n{result.stderr}")
    for _ in range(PORT_ATTEMPTS):  # another run may take the free port before we bind it
        server = PostgresServer(bin_dir, directory, free_port())
        if server.start():
            return server
    log = server.log()
    shutil.rmtree(directory, ignore_errors=True)
    pytest.fail(f"PostgreSQL did not start:\n{log}")


def stop_postgres(server: PostgresServer) -> None:
    server.stop()
    shutil.rmtree(server.directory, ignore_errors=True)


@dataclass
class RedisServer:
    process: subprocess.Popen[bytes]
    directory: Path
    port: int

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def client(self, database: int = 0) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, db=database)

    def answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.ConnectionError:
            return False


def start_redis() -> RedisServer:
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.fail("redis-server is not installed: run bin/ensure-services (make test does).")
    directory = Path(tempfile.mkdtemp(prefix="finhub-redis-"))
    for _ in range(PORT_ATTEMPTS):
        port = free_port()
        process = subprocess.Popen(
            [
                executable,
                *("--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory)),
                *("--save", "", "--appendonly", "no", "--databases", str(REDIS_DATABASES)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = RedisServer(process, directory, port)
        deadline = time.monotonic() + START_TIMEOUT
        while process.poll() is None and time.monotonic() < deadline:
            if server.answers():
                return server
            time.sleep(0.05)
        process.kill()
        process.wait()
    shutil.rmtree(directory, ignore_errors=True)
    pytest.fail("redis-server did not start")


def stop_redis(server: RedisServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    shutil.rmtree(server.directory, ignore_errors=True)


# ---- fixtures (imported by tests/production/conftest.py; other test folders may import them) --


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """This session's private PostgreSQL cluster."""
    server = start_postgres()
    yield server
    stop_postgres(server)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """This session's private redis-server."""
    server = start_redis()
    yield server
    stop_redis(server)


_numbers = itertools.count(1)


@pytest.fixture
def postgres_database_url(postgres_server: PostgresServer) -> str:
    """A new, empty PostgreSQL database of the test's own (``postgres://…``)."""
    return postgres_server.create_database(f"finhub_test_{os.getpid()}_{next(_numbers)}")


def next_redis_database(server: RedisServer) -> int:
    """The number of an emptied Redis database nobody else in this session uses."""
    database = next(_numbers) % REDIS_DATABASES
    server.client(database).flushdb()
    return database


@pytest.fixture
def redis_cache_url(redis_server: RedisServer) -> str:
    """An emptied Redis database of the test's own (``redis://…/<n>``)."""
    return redis_server.url(next_redis_database(redis_server))
