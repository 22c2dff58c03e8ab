"""App nodes for the production tests: gunicorn processes on shared PostgreSQL and Redis.

Each node is the real production server (``gunicorn`` with the project's ``gunicorn.conf.py``)
started in its own process group, exactly as the README's production section starts it, with the
database, cache and gateway given in the environment.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.production.services import free_port

PROJECT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
START_TIMEOUT = 30.0
PORT_ATTEMPTS = 5
SECRET_KEY = "production-tests-only-" + secrets.token_urlsafe(40)
METRICS_TOKEN = secrets.token_urlsafe(16)

# Variables that would change what a node does if the developer's shell happened to set them.
_OWN_VARIABLES = ("DATABASE_URL", "CACHE_URL", "GATEWAY_URL", "SECRET_KEY", "DEBUG")


def node_environment(database_url: str, cache_url: str, gateway_url: str) -> dict[str, str]:
    """The environment of one node: every node of a cluster gets the same one."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in _OWN_VARIABLES and not name.startswith(("GUNICORN_", "PYTEST_"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "backoffice.settings",
            "DATABASE_URL": database_url,
            "CACHE_URL": cache_url,
            "GATEWAY_URL": gateway_url,
            "GATEWAY_TENANT_ID": "finhub-demo",
            "GATEWAY_RETRY_BACKOFF": "0",
            "SECRET_KEY": SECRET_KEY,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOGIN_FAILURE_LIMIT": "5",
            "LOGIN_LOCKOUT_SECONDS": "900",
            "LOG_LEVEL": "INFO",
            # Two processes of a few threads each: cross-process effects show within one node too.
            "WEB_CONCURRENCY": "2",
            "GUNICORN_THREADS": "4",
            "GUNICORN_GRACEFUL_TIMEOUT": "3",
            # The tests' bursts are correctness checks, not load: no "busy" answers on a
            # machine slowed down by other work.
            "GATEWAY_MAX_IN_FLIGHT": "32",
            "METRICS_TOKEN": METRICS_TOKEN,
            "GATEWAY_BUSY_WAIT": "10",
        }
    )
    return environment


def manage(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    """``manage.py`` with the given environment, as the README's production commands run it."""
    return subprocess.run(
        [str(BIN / "python"), "manage.py", *arguments],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@dataclass
class Node:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        """Quick shutdown (SIGINT): a test has nothing left in flight to wait for."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _answers(url: str) -> bool:
    try:
        return requests.get(url + "/login/", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def start_node(name: str, environment: dict[str, str], directory: Path) -> Node:
    """One gunicorn node on a free port; fails the test (with the node's log) if it cannot."""
    log_path = directory / f"node-{name}.log"
    for _ in range(PORT_ATTEMPTS):  # another run may take the free port before gunicorn binds
        port = free_port()
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [str(BIN / "gunicorn"), "--config", str(PROJECT / "gunicorn.conf.py")],
                cwd=PROJECT,
                env={**environment, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        node = Node(name, process, port, log_path)
        deadline = time.monotonic() + START_TIMEOUT
        while process.poll() is None and time.monotonic() < deadline:
            if _answers(node.url):
                return node
            time.sleep(0.1)
        node.stop()
    pytest.fail(f"node {name} did not start:\n{node.log()}")
