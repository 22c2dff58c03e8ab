"""Gateway tokens lapse under a signed-in staff member: refreshed quietly, or back to sign-in."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from sandbox.server import RunningSandbox
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
