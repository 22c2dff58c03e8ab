"""Signing in with gateway credentials, over real HTTP to the app and on to the sandbox."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import requests

from sandbox.server import RunningSandbox
from tests.e2e.app_process import AppProcess
from tests.e2e.support import TIMEOUT, StaffClient, csrf_token

pytestmark = pytest.mark.e2e

REFUSED = "Wrong username or password, or this account does not belong to this tenant."


def test_bob_signs_in_and_is_sent_to_the_customer_list(backoffice: str) -> None:
    client = StaffClient(backoffice)

    response = client.sign_in("bob")

    assert response.status_code == 302
    assert response.headers["Location"] == "/customers/"
    listing = client.get("/customers/")
    assert listing.status_code == 200
    assert "Bob Compliance" in listing.text
    assert "Compliance · finhub-demo" in listing.text


def test_signing_in_returns_to_the_page_asked_for(backoffice: str) -> None:
    client = StaffClient(backoffice)
    bounced = client.get("/customers/?status=dispute")
    assert bounced.status_code == 302
    assert bounced.headers["Location"] == "/login/?next=%2Fcustomers%2F%3Fstatus%3Ddispute"

    response = client.sign_in("alice", next_url="/customers/?status=dispute")

    assert response.status_code == 302
    assert response.headers["Location"] == "/customers/?status=dispute"


def test_a_staff_member_of_another_tenant_is_refused(backoffice: str) -> None:
    client = StaffClient(backoffice)

    response = client.sign_in("dave")

    assert response.status_code == 400
    assert REFUSED in response.text
    assert "sessionid" not in client.http.cookies
    assert client.get("/customers/").headers["Location"].startswith("/login/")


def test_a_wrong_password_is_refused(backoffice: str) -> None:
    client = StaffClient(backoffice)

    response = client.sign_in("bob", "not-bobs-password")

    assert response.status_code == 400
    assert REFUSED in response.text
    assert "not-bobs-password" not in response.text
    assert "sessionid" not in client.http.cookies
    assert client.get("/customers/").headers["Location"].startswith("/login/")


def test_signing_out_ends_the_session(backoffice: str) -> None:
    client = StaffClient(backoffice)
    assert client.sign_in("carol").status_code == 302
    listing = client.get("/customers/")

    signed_out = client.http.post(
        backoffice + "/logout/",
        data={"csrfmiddlewaretoken": csrf_token(listing.text)},
        allow_redirects=False,
        timeout=15,
    )

    assert signed_out.status_code == 302
    assert signed_out.headers["Location"] == "/login/"
    assert client.get("/customers/").headers["Location"] == "/login/?next=%2Fcustomers%2F"


PARALLEL_SIGN_INS = 6


def test_parallel_first_sign_ins_of_someone_new_to_the_app_all_stay_signed_in(
    own_sandbox: Callable[..., RunningSandbox], app_process: Callable[..., AppProcess]
) -> None:
    """erin has never signed in to this app: each tab creates her local record at once."""
    # Attempts in flight count against the sign-in throttle until they succeed: leave room.
    app = app_process(own_sandbox(), LOGIN_FAILURE_LIMIT=str(PARALLEL_SIGN_INS))
    clients = [StaffClient(app.url) for _ in range(PARALLEL_SIGN_INS)]
    forms = [client.get("/login/") for client in clients]
    start_together = threading.Barrier(PARALLEL_SIGN_INS)
    signed_in: list[int] = []

    def sign_in(client: StaffClient, form: requests.Response) -> None:
        start_together.wait()
        response = client.http.post(
            app.url + "/login/",
            data={
                "csrfmiddlewaretoken": csrf_token(form.text),
                "username": "erin",
                "password": "erin-sandbox",
            },
            headers={"Referer": app.url + "/login/"},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        signed_in.append(response.status_code)

    threads = [
        threading.Thread(target=sign_in, args=(client, form))
        for client, form in zip(clients, forms, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert signed_in == [302] * PARALLEL_SIGN_INS
    for client in clients:
        listing = client.get("/customers/")
        assert listing.status_code == 200, listing.headers.get("Location")
        assert "Erin Compliance" in listing.text
