"""The sign-in throttle against the live sandbox: parallel guesses, addresses, proxies."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import requests

from sandbox.server import RunningSandbox
from tests.e2e.app_process import AppProcess
from tests.e2e.support import TIMEOUT, StaffClient, csrf_token

pytestmark = pytest.mark.e2e

LIMIT = 4
GUESSES = 12
ATTACKER = "203.0.113.9"
BOB_AT_HIS_DESK = "198.51.100.7"


def _passwords_checked(running: RunningSandbox) -> int:
    """Requests the sandbox answered: on a failed sign-in the app makes only the token call."""
    return int(requests.get(running.url + "/_sandbox/stats", timeout=TIMEOUT).json()["requests"])


def _sign_in_from(app: AppProcess, address: str, password: str) -> requests.Response:
    """One browser behind the app's reverse proxy, which appends the address it saw."""
    client = StaffClient(app.url)
    form = client.get("/login/")
    return client.http.post(
        app.url + "/login/",
        data={
            "csrfmiddlewaretoken": csrf_token(form.text),
            "username": "bob",
            "password": password,
        },
        headers={"Referer": app.url + "/login/", "X-Forwarded-For": f"192.0.2.66, {address}"},
        allow_redirects=False,
        timeout=TIMEOUT,
    )


def test_parallel_guesses_check_at_most_the_limit_and_lock_bob_out_only_where_they_come_from(
    own_sandbox: Callable[..., RunningSandbox], app_process: Callable[..., AppProcess]
) -> None:
    running = own_sandbox()
    app = app_process(running, LOGIN_FAILURE_LIMIT=str(LIMIT), TRUSTED_PROXY_COUNT="1")
    # Each password check takes a while, so the guesses are all in flight together.
    slow = {"latencyMs": 300, "pathPrefix": "/api/v2/auth/token"}
    assert requests.put(running.url + "/_sandbox/faults", json=slow, timeout=TIMEOUT).ok
    requests.delete(running.url + "/_sandbox/stats", timeout=TIMEOUT)

    answers: list[int] = []
    guessers = [
        threading.Thread(
            target=lambda n=n: answers.append(
                _sign_in_from(app, ATTACKER, f"guess-{n}").status_code
            )
        )
        for n in range(GUESSES)
    ]
    for thread in guessers:
        thread.start()
    for thread in guessers:
        thread.join()

    assert answers == [400] * GUESSES
    assert _passwords_checked(running) == LIMIT
    refused = _sign_in_from(app, ATTACKER, "bob-sandbox")
    assert "Too many failed sign-ins" in refused.text
    assert _passwords_checked(running) == LIMIT

    # Bob, at his own desk, is not locked out by what happened elsewhere.
    assert _sign_in_from(app, BOB_AT_HIS_DESK, "bob-sandbox").status_code == 302
