"""The back office as it is deployed: its own waitress process, its own SQLite file.

pytest-django's live server shares one database connection between all its request threads,
so it cannot show what parallel requests do to sessions and sign-ins; this process gives every
thread its own connection, like production does.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from sandbox.server import RunningSandbox
from tests.e2e.support import TENANT

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


@dataclass
class AppProcess:
    url: str
    log: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _app_env(running: RunningSandbox, database: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SANDBOX_")}
    env.update(
        DJANGO_SETTINGS_MODULE="backoffice.settings",
        GATEWAY_URL=running.url,
        GATEWAY_TENANT_ID=TENANT,
        GATEWAY_RETRY_BACKOFF="0",
        DATABASE_URL=f"sqlite:///{database}",
        CACHE_URL="locmemcache://app-process",
        DEBUG="false",
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        try:
            if requests.get(url + "/login/", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the app did not start\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def app_process(tmp_path: Path) -> Iterator[Callable[..., AppProcess]]:
    """``app_process(sandbox, SETTING="value")``: the app served by waitress on that sandbox
    (``server_threads=8`` for `make demo`'s thread count)."""
    started: list[subprocess.Popen[bytes]] = []

    def _start(running: RunningSandbox, *, server_threads: int = 16, **settings: str) -> AppProcess:
        directory = tmp_path / f"app-{len(started)}"
        directory.mkdir()
        # The server's thread count, as gunicorn's would tell the app (settings.py).
        settings.setdefault("GATEWAY_MAX_IN_FLIGHT", str(server_threads - 2))
        env = _app_env(running, directory / "app.sqlite3", settings)
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        port = _free_port()
        log = directory / "app.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "waitress",
                    "--listen",
                    f"127.0.0.1:{port}",
                    "--threads",
                    str(server_threads),
                    # Pass X-Forwarded-For on: whether to trust it is the app's decision
                    # (TRUSTED_PROXY_COUNT), and the tests stand in for the proxy.
                    "--no-clear-untrusted-proxy-headers",
                    "backoffice.wsgi:application",
                ],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        _wait_for(url, process, log)
        return AppProcess(url, log)

    yield _start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
