"""Signing in with gateway credentials, over real HTTP to the app and on to the sandbox."""

from __future__ import annotations

import pytest

from tests.e2e.support import StaffClient, csrf_token

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
