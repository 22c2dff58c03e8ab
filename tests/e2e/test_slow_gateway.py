"""With the gateway answering slowly and officers waiting on it, sign-in and static files still
answer at once, and every waiting page answers with a message within the page deadline.

The app runs as it does in `make demo` (waitress, 8 threads, its own process), because what a
slow gateway used to exhaust is the server's threads; pytest-django's live server starts a thread
per request and could not show it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from sandbox.server import RunningSandbox
from tests.e2e.support import SandboxFaults, StaffClient

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PAGE_DEADLINE = 2.0
GATEWAY_LATENCY_MS = 4000  # twice the deadline: no gateway call can finish in time
SERVER_THREADS = 8
OFFICERS = 16
# Time a page may take beyond its deadline: rendering, and a busy 2-core machine.
SLACK = 1.0
WAITING_PAGES = ["/customers/", "/customers/c-00042/", "/tickets/", "/tickets/t-00001/"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def app_on_waitress(
    own_sandbox: Callable[..., RunningSandbox], tmp_path: Path
) -> Iterator[tuple[str, RunningSandbox]]:
    """The back office in its own waitress process, on a private sandbox."""
    running = own_sandbox()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'backoffice.sqlite3'}",
        "CACHE_URL": "locmemcache://slow-gateway",
        "GATEWAY_URL": running.url,
        "GATEWAY_TENANT_ID": "finhub-demo",
        "GATEWAY_PAGE_DEADLINE": str(PAGE_DEADLINE),
        "GATEWAY_RETRY_BACKOFF": "0",
        "DEBUG": "false",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "waitress",
            f"--listen=127.0.0.1:{port}",
            f"--threads={SERVER_THREADS}",
            "backoffice.wsgi:application",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(url + "/login/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            pytest.fail("the back office did not start")
        yield url, running
    finally:
        server.terminate()
        server.wait(timeout=10)


def _timed(fetch: Callable[[], requests.Response]) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = fetch()
    return response, time.monotonic() - started


def test_a_slow_gateway_leaves_sign_in_and_static_files_fast_and_bounds_every_page(
    app_on_waitress: tuple[str, RunningSandbox],
) -> None:
    url, running = app_on_waitress
    officers = []
    for _ in range(OFFICERS):
        officer = StaffClient(url)
        assert officer.sign_in("bob").status_code == 302
        officers.append(officer)
    SandboxFaults(running).put(latencyMs=GATEWAY_LATENCY_MS)

    with ThreadPoolExecutor(max_workers=OFFICERS) as browsers:
        waiting = [
            browsers.submit(_timed, lambda o=o, i=i: o.get(WAITING_PAGES[i % len(WAITING_PAGES)]))
            for i, o in enumerate(officers)
        ]
        time.sleep(0.3)  # every page is in the server, waiting on the gateway or its place
        visitor = StaffClient(url)
        sign_in_page, sign_in_took = _timed(lambda: visitor.get("/login/"))
        stylesheet, stylesheet_took = _timed(lambda: visitor.get("/static/css/backoffice.css"))
        pages = [future.result() for future in waiting]

    assert sign_in_page.status_code == 200 and 'name="password"' in sign_in_page.text
    assert sign_in_took < 1.0
    assert stylesheet.status_code == 200 and stylesheet_took < 1.0
    for page, took in pages:
        assert page.status_code in (502, 503), page.status_code
        assert took < PAGE_DEADLINE + SLACK, took
        assert 'class="banner banner-error" role="alert"' in page.text
        assert "Request id " + page.headers["X-Request-ID"] in page.text
        assert "Traceback" not in page.text
    answers = {page.status_code for page, _ in pages}
    assert 502 in answers  # some pages waited for the gateway until their deadline ...
    if 503 in answers:  # ... and those that found no place were told to come back
        busy = next(page for page, _ in pages if page.status_code == 503)
        assert "The back office is busy" in busy.text and busy.headers["Retry-After"]


def test_signing_in_against_a_slow_gateway_answers_within_the_deadline(
    app_on_waitress: tuple[str, RunningSandbox],
) -> None:
    url, running = app_on_waitress
    SandboxFaults(running).put(latencyMs=GATEWAY_LATENCY_MS)
    visitor = StaffClient(url)
    response, took = _timed(lambda: visitor.sign_in("bob"))
    assert took < PAGE_DEADLINE + SLACK
    assert response.status_code == 502
    assert "The gateway did not answer in time" in response.text
