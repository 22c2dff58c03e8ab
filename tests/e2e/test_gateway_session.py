"""Gateway tokens lapse under a signed-in staff member: refreshed quietly, or back to sign-in."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from sandbox.server import RunningSandbox
from tests.e2e.app_process import AppProcess
from tests.e2e.support import TIMEOUT, StaffClient, subtitle

pytestmark = pytest.mark.e2e

SHORT_TTL = 2  # seconds; the tests wait this long (plus a little) for tokens to lapse


def _wait_past(seconds: float) -> None:
    time.sleep(seconds + 0.3)


def _used_refresh_tokens(running: RunningSandbox) -> int:
    """Refresh tokens the sandbox has redeemed (it revokes each one when it is used)."""
    with running.app.store.read() as connection:
        row = connection.execute(
            "SELECT COUNT(*) FROM tokens WHERE kind = 'refresh' AND revoked = 1"
        ).fetchone()
    return int(row[0])


@pytest.fixture
def signed_in_on(
    backoffice_on: Callable[[RunningSandbox], str], settings: Any
) -> Callable[[RunningSandbox], StaffClient]:
    """Point the app at the given sandbox, and sign bob in through it."""

    def _sign_in(running: RunningSandbox) -> StaffClient:
        settings.GATEWAY_TOKEN_REFRESH_MARGIN = 0  # refresh only once the token has lapsed
        client = StaffClient(backoffice_on(running))
        assert client.sign_in("bob").status_code == 302
        return client

    return _sign_in


def test_a_lapsed_access_token_is_refreshed_without_a_second_sign_in(
    own_sandbox: Callable[..., RunningSandbox],
    signed_in_on: Callable[[RunningSandbox], StaffClient],
) -> None:
    running = own_sandbox(token_ttl=SHORT_TTL)
    bob = signed_in_on(running)
    assert bob.get("/customers/").status_code == 200
    assert _used_refresh_tokens(running) == 0

    _wait_past(SHORT_TTL)
    response = bob.get("/customers/?status=verified")

    assert response.status_code == 200
    assert subtitle(response.text).startswith("Verified · ")
    assert _used_refresh_tokens(running) == 1
    assert bob.get("/customers/?status=verified&page=2").status_code == 200
    assert _used_refresh_tokens(running) == 1  # the new token is kept in the session


def test_an_access_token_the_gateway_expired_early_is_refreshed_without_a_second_sign_in(
    own_sandbox: Callable[..., RunningSandbox],
    signed_in_on: Callable[[RunningSandbox], StaffClient],
) -> None:
    running = own_sandbox()
    bob = signed_in_on(running)
    assert bob.get("/customers/").status_code == 200
    expired = requests.post(running.url + "/_sandbox/tokens/expire", timeout=TIMEOUT)
    assert expired.json()["expired"] >= 1

    response = bob.get("/customers/?status=verified")
    # The app refreshes the token and sends the browser straight back to the same page.
    assert response.status_code == 302
    assert response.headers["Location"] == "/customers/?status=verified"
    again = bob.get(response.headers["Location"])

    assert again.status_code == 200, again.headers.get("Location")
    assert subtitle(again.text).startswith("Verified · ")


def test_when_the_refresh_token_has_lapsed_too_staff_are_sent_to_sign_in(
    own_sandbox: Callable[..., RunningSandbox],
    signed_in_on: Callable[[RunningSandbox], StaffClient],
) -> None:
    running = own_sandbox(token_ttl=SHORT_TTL, refresh_ttl=SHORT_TTL)
    bob = signed_in_on(running)
    assert bob.get("/customers/").status_code == 200

    _wait_past(SHORT_TTL)
    response = bob.get("/customers/?status=dispute&page=2")

    assert response.status_code == 302
    assert response.headers["Location"] == (
        "/login/?next=%2Fcustomers%2F%3Fstatus%3Ddispute%26page%3D2"
    )
    # Signed out for good: the next page asks for sign-in too, without calling the gateway.
    assert bob.get("/customers/").headers["Location"] == "/login/?next=%2Fcustomers%2F"
    # Signing in again returns to the page that was asked for.
    again = bob.sign_in("bob", next_url="/customers/?status=dispute&page=2")
    assert again.status_code == 302
    assert again.headers["Location"] == "/customers/?status=dispute&page=2"
    assert bob.get(again.headers["Location"]).status_code == 200


def test_an_htmx_request_after_the_session_lapsed_redirects_the_whole_page_to_sign_in(
    own_sandbox: Callable[..., RunningSandbox],
    signed_in_on: Callable[[RunningSandbox], StaffClient],
) -> None:
    running = own_sandbox(token_ttl=SHORT_TTL, refresh_ttl=SHORT_TTL)
    bob = signed_in_on(running)
    assert bob.get("/customers/?status=new").status_code == 200

    _wait_past(SHORT_TTL)
    response = bob.htmx_get("/customers/?status=new&page=2", current_url="/customers/?status=new")

    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/login/?next=%2Fcustomers%2F%3Fstatus%3Dnew"
    assert 'name="password"' not in response.text


def test_a_gateway_that_forgot_every_token_sends_staff_to_sign_in(
    own_sandbox: Callable[..., RunningSandbox],
    signed_in_on: Callable[[RunningSandbox], StaffClient],
    backoffice_on: Callable[[RunningSandbox], str],
) -> None:
    """The gateway restarted on a fresh database: neither token means anything to it any more."""
    bob = signed_in_on(own_sandbox())
    assert bob.get("/customers/").status_code == 200
    backoffice_on(own_sandbox())

    response = bob.get("/customers/?status=blacklisted")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login/?next=%2Fcustomers%2F%3Fstatus%3Dblacklisted"


# ---- many requests of one session in flight as its token lapses --------------------------------

RACE_TTL = 4  # seconds the sandbox's access tokens live
RACE_MARGIN = 2  # the app refreshes this early, so no request carries a token the gateway expired
RACE_SECONDS = 7.5  # how long each session keeps its requests going: three expiries or so
IN_FLIGHT = 5  # parallel requests per session, as tabs, lazy sections and HTMX would make them
RACERS = ("alice", "bob", "erin")  # one session each, so the sandbox's tokens tell them apart


def _token_issue_times(running: RunningSandbox, user_id: str) -> list[float]:
    """When the sandbox issued each access token of the user (sign-in and every refresh)."""
    with running.app.store.read() as connection:
        rows = connection.execute(
            "SELECT expires_at FROM tokens WHERE kind = 'access' AND user_id = ?"
            " ORDER BY expires_at",
            (user_id,),
        ).fetchall()
    return [float(row[0]) - RACE_TTL for row in rows]


def _keep_requesting(client: StaffClient, until: float, seen: list[tuple[int, str]]) -> None:
    pages = ("/customers/", "/customers/?status=verified", "/customers/?status=new&page=2")
    turn = 0
    while time.monotonic() < until:
        response = client.get(pages[turn % len(pages)])
        seen.append((response.status_code, response.headers.get("Location", "")))
        turn += 1


def test_parallel_requests_across_token_expiries_refresh_once_and_sign_nobody_out(
    own_sandbox: Callable[..., RunningSandbox], app_process: Callable[..., AppProcess]
) -> None:
    running = own_sandbox(token_ttl=RACE_TTL)
    # Threads to spare, so every request is served at once and none is told "busy".
    app = app_process(running, server_threads=24, GATEWAY_TOKEN_REFRESH_MARGIN=str(RACE_MARGIN))
    clients = {}
    for username in RACERS:
        clients[username] = StaffClient(app.url)
        assert clients[username].sign_in(username).status_code == 302

    seen: dict[str, list[tuple[int, str]]] = {username: [] for username in RACERS}
    until = time.monotonic() + RACE_SECONDS
    threads = [
        threading.Thread(target=_keep_requesting, args=(clients[username], until, seen[username]))
        for username in RACERS
        for _ in range(IN_FLIGHT)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for username in RACERS:
        statuses = [status for status, _ in seen[username]]
        assert statuses and set(statuses) == {200}, (username, sorted(set(seen[username])))
        # Still signed in afterwards, on the token the last refresh left in the session.
        assert clients[username].get("/customers/").status_code == 200
        issued = _token_issue_times(running, f"u-{username}")
        # Sign-in, then one refresh each time the token entered the margin: never two at once.
        assert len(issued) >= 3, (username, issued)
        gaps = [later - earlier for earlier, later in itertools.pairwise(issued)]
        assert min(gaps) > RACE_TTL - RACE_MARGIN - 0.5, (username, gaps)


def _keep_reloading(client: StaffClient, until: float, seen: list[tuple[int, str]]) -> None:
    """Like a browser: a redirect back to the same page is followed; any other is recorded."""
    page = "/customers/?status=verified"
    while time.monotonic() < until:
        response = client.get(page)
        if response.status_code == 302 and response.headers["Location"] == page:
            response = client.get(page)
        seen.append((response.status_code, response.headers.get("Location", "")))


def test_a_gateway_expiring_every_token_under_parallel_requests_refreshes_each_session_once(
    own_sandbox: Callable[..., RunningSandbox], app_process: Callable[..., AppProcess]
) -> None:
    # A gateway some way off: requests overlap the refresh as they would in production.
    running = own_sandbox(latency_ms=60, jitter_ms=120)
    app = app_process(running, server_threads=24)
    clients = {}
    for username in RACERS:
        clients[username] = StaffClient(app.url)
        assert clients[username].sign_in(username).status_code == 302
    used_before = {username: _used_refresh_tokens(running) for username in RACERS}
    assert set(used_before.values()) == {0}

    seen: dict[str, list[tuple[int, str]]] = {username: [] for username in RACERS}
    until = time.monotonic() + 3.0
    threads = [
        threading.Thread(target=_keep_reloading, args=(clients[username], until, seen[username]))
        for username in RACERS
        for _ in range(IN_FLIGHT)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    expired = requests.post(running.url + "/_sandbox/tokens/expire", timeout=TIMEOUT)
    assert expired.json()["expired"] >= len(RACERS)
    for thread in threads:
        thread.join()

    for username in RACERS:
        assert {status for status, _ in seen[username]} == {200}, (
            username,
            sorted(set(seen[username])),
        )
        assert clients[username].get("/customers/").status_code == 200
    # One refresh per session: the sandbox redeemed exactly one refresh token for each person.
    assert _used_refresh_tokens(running) == len(RACERS)
