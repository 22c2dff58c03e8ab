"""With the gateway answering slowly and officers waiting on it, sign-in and static files still
answer at once, and every waiting page answers with a message within the page deadline.

The app runs as it does in `make demo` (waitress, 8 threads, its own process), because what a
slow gateway used to exhaust is the server's threads; pytest-django's live server starts a thread
per request and could not show it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from sandbox.server import RunningSandbox
from tests.e2e.app_process import AppProcess
from tests.e2e.support import SandboxFaults, StaffClient

pytestmark = pytest.mark.e2e

PAGE_DEADLINE = 2.0
GATEWAY_LATENCY_MS = 4000  # twice the deadline: no gateway call can finish in time
SERVER_THREADS = 8
OFFICERS = 16
# Time a page may take beyond its deadline: rendering, and a busy 2-core machine.
SLACK = 1.0
WAITING_PAGES = ["/customers/", "/customers/c-00042/", "/tickets/", "/tickets/t-00001/"]


@pytest.fixture
def app_on_waitress(
    own_sandbox: Callable[..., RunningSandbox], app_process: Callable[..., AppProcess]
) -> tuple[str, RunningSandbox]:
    """The back office in its own waitress process (8 threads), on a private sandbox."""
    running = own_sandbox()
    app = app_process(
        running, server_threads=SERVER_THREADS, GATEWAY_PAGE_DEADLINE=str(PAGE_DEADLINE)
    )
    return app.url, running


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
