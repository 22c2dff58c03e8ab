"""Fixtures for the sandbox gateway tests: a seeded database built once per session, and
sandboxes served over real HTTP on copies of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from sandbox.app import create_app
from sandbox.server import RunningSandbox, start_in_thread
from sandbox.store import copy_database

QUIET = {"latency_ms": 0, "jitter_ms": 0, "error_rate": 0.0, "token_ttl": 3600}
TENANT = "finhub-demo"
OTHER_TENANT = "finhub-other"
CUSTOMERS = "/customer/2.0.0"


class GatewayClient:
    """Calls a running sandbox as a given staff user; one pooled session per client."""

    def __init__(self, running: RunningSandbox) -> None:
        self.url = running.url
        self.session = requests.Session()
        self._tokens: dict[str, dict[str, Any]] = {}

    def token(self, username: str = "bob", tenant: str = TENANT) -> dict[str, Any]:
        response = self.session.post(
            self.url + "/api/v2/auth/token",
            json={"username": username, "password": f"{username}-sandbox"},
            headers={"X-Tenant-ID": tenant},
            timeout=5,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def call(
        self,
        method: str,
        path: str,
        *,
        user: str = "bob",
        tenant: str | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        if user not in self._tokens:
            self._tokens[user] = self.token(user, OTHER_TENANT if user == "dave" else TENANT)
        token = self._tokens[user]
        all_headers = {
            "Authorization": f"Bearer {token['access_token']}",
            "tenantId": tenant
            if tenant is not None
            else (OTHER_TENANT if user == "dave" else TENANT),
            **(headers or {}),
        }
        return self.session.request(
            method, self.url + path, json=json, headers=all_headers, timeout=10
        )

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("PUT", path, **kwargs)


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly seeded database file; copy it, never serve it directly."""
    path = tmp_path_factory.mktemp("sandbox-template") / "seeded.sqlite3"
    create_app(str(path), **QUIET).close()
    return path


def serve_copy(seeded_db: Path, destination: Path, **options: Any) -> RunningSandbox:
    copy_database(str(seeded_db), str(destination))
    return start_in_thread(str(destination), **{**QUIET, **options})


@pytest.fixture(scope="session")
def read_only_sandbox(
    seeded_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningSandbox]:
    """Shared by the read tests: nothing may write to it."""
    running = serve_copy(seeded_db, tmp_path_factory.mktemp("read-only") / "db.sqlite3")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def reader(read_only_sandbox: RunningSandbox) -> GatewayClient:
    return GatewayClient(read_only_sandbox)


@pytest.fixture(scope="module")
def own_sandbox(
    seeded_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningSandbox]:
    """A sandbox for one test module, free to write, fault and count."""
    running = serve_copy(seeded_db, tmp_path_factory.mktemp("own") / "db.sqlite3")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(own_sandbox: RunningSandbox) -> GatewayClient:
    return GatewayClient(own_sandbox)
