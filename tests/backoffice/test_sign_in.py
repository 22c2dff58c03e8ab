"""Staff sign in with gateway credentials; the token stays in the server-side session."""

from __future__ import annotations

import json
import logging
import time

import pytest
import responses
from django.contrib.sessions.models import Session
from django.test import Client
from responses import matchers

from backoffice.models import StaffMember
from backoffice.sign_in import mirror_staff_member
from backoffice.staff import SESSION_KEY, StaffIdentity
from tests.conftest import FAKE_GATEWAY, TENANT

TOKEN_URL = FAKE_GATEWAY + "/api/v2/auth/token"
LIST_URL = FAKE_GATEWAY + "/customer/2.0.0/getAllByTenantId"
EMPTY_PAGE = {"customers": [], "pagination": {"numberOfPage": 1, "totalSize": 0, "currentPage": 1}}


def token_answer(access: str = "access-secret-1", refresh: str = "refresh-secret-1", **extra):  # type: ignore[no-untyped-def]
    return {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": refresh,
        "scope": "backoffice",
        "userId": "u-bob",
        "roles": ["COMPLIANCE"],
        **extra,
    }


def fake_bob_signs_in(gateway: responses.RequestsMock) -> None:
    gateway.post(
        TOKEN_URL,
        json=token_answer(),
        match=[
            matchers.header_matcher({"X-Tenant-ID": TENANT}),
            matchers.json_params_matcher({"username": "bob", "password": "bob-sandbox"}),
        ],
    )
    gateway.get(
        FAKE_GATEWAY + "/api/v2/users/u-bob",
        json={"id": "u-bob", "username": "bob", "name": "Bob Compliance", "roles": ["COMPLIANCE"]},
    )


@pytest.mark.django_db
def test_it_signs_in_and_keeps_the_token_only_on_the_server(
    client: Client, gateway: responses.RequestsMock
) -> None:
    fake_bob_signs_in(gateway)
    gateway.post(LIST_URL, json=EMPTY_PAGE)
    response = client.post(
        "/login/", {"username": "bob", "password": "bob-sandbox", "next": "/customers/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/customers/"
    for cookie in response.cookies.values():
        assert "access-secret-1" not in cookie.value
    page = client.get("/customers/")
    assert page.status_code == 200
    assert b"access-secret-1" not in page.content
    assert b"Bob Compliance" in page.content
    list_call = next(c for c in gateway.calls if c.request.url == LIST_URL)
    assert list_call.request.headers["Authorization"] == "Bearer access-secret-1"
    stored = Session.objects.get().get_decoded()[SESSION_KEY]
    assert stored["access_token"] == "access-secret-1"
    assert stored["roles"] == ["COMPLIANCE"]
    member = StaffMember.objects.get(gateway_user_id="u-bob")
    assert member.display_name == "Bob Compliance"
    assert not member.has_usable_password()


@pytest.mark.django_db
def test_wrong_credentials_are_refused_with_a_message(
    client: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(TOKEN_URL, status=401, json={"status": 401, "message": "Bad credentials"})
    response = client.post("/login/", {"username": "bob", "password": "nope"})
    assert response.status_code == 400
    assert b"Wrong username or password" in response.content
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_repeated_failures_lock_the_username_without_asking_the_gateway(
    client: Client, gateway: responses.RequestsMock, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.LOGIN_FAILURE_LIMIT = 3
    gateway.post(TOKEN_URL, status=401, json={"status": 401, "message": "Bad credentials"})
    for _ in range(3):
        client.post("/login/", {"username": "Bob", "password": "guess"})
    response = client.post("/login/", {"username": "bob", "password": "bob-sandbox"})
    assert b"Too many failed sign-ins" in response.content
    assert len(gateway.calls) == 3


@pytest.mark.django_db
def test_a_gateway_outage_at_sign_in_says_so(
    client: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(TOKEN_URL, status=503, json={"status": 503, "message": "maintenance"})
    response = client.post("/login/", {"username": "bob", "password": "bob-sandbox"})
    assert response.status_code == 502
    assert b"The gateway is unavailable" in response.content
    assert b"Request id" in response.content


@pytest.mark.django_db
def test_it_ignores_a_next_url_on_another_site(
    client: Client, gateway: responses.RequestsMock
) -> None:
    fake_bob_signs_in(gateway)
    response = client.post(
        "/login/",
        {"username": "bob", "password": "bob-sandbox", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/customers/"


def test_pages_require_sign_in(client: Client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/customers/?status=new")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fcustomers%2F%3Fstatus%3Dnew"


def test_htmx_requests_get_a_client_redirect_to_sign_in(client: Client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get(
        "/customers/?page=2",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/customers/?page=2"},
    )
    assert response["HX-Redirect"] == "/login/?next=%2Fcustomers%2F%3Fpage%3D2"


def test_an_expiring_token_is_refreshed_transparently(sign_in, gateway) -> None:  # type: ignore[no-untyped-def]
    client = sign_in("bob", expires_in=10)
    gateway.post(
        TOKEN_URL,
        json=token_answer(access="access-new", refresh="refresh-new"),
        match=[
            matchers.json_params_matcher(
                {"grantType": "refresh_token", "refreshToken": "refresh-u-bob-secret"}
            )
        ],
    )
    gateway.post(
        LIST_URL,
        json=EMPTY_PAGE,
        match=[matchers.header_matcher({"Authorization": "Bearer access-new"})],
    )
    response = client.get("/customers/")
    assert response.status_code == 200
    stored = client.session[SESSION_KEY]
    assert stored["access_token"] == "access-new"
    assert stored["refresh_token"] == "refresh-new"
    assert stored["expires_at"] > time.time() + 3000


def test_a_refused_refresh_sends_staff_back_to_sign_in(sign_in, gateway) -> None:  # type: ignore[no-untyped-def]
    client = sign_in("bob", expires_in=5)
    gateway.post(TOKEN_URL, status=401, json={"status": 401, "message": "refresh token expired"})
    response = client.get("/customers/?status=new")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fcustomers%2F%3Fstatus%3Dnew"
    assert SESSION_KEY not in client.session


def test_a_token_the_gateway_no_longer_accepts_is_refreshed_and_the_page_loaded_again(
    sign_in, gateway
) -> None:  # type: ignore[no-untyped-def]
    client = sign_in("bob")
    gateway.post(LIST_URL, status=401, json={"status": 401, "message": "token expired early"})
    gateway.post(TOKEN_URL, json=token_answer(access="access-renewed"))
    response = client.get("/customers/?page=2")
    assert response.status_code == 302
    assert response["Location"] == "/customers/?page=2"
    assert client.session[SESSION_KEY]["access_token"] == "access-renewed"
    refresh_call = next(c for c in gateway.calls if c.request.url == TOKEN_URL)
    assert json.loads(refresh_call.request.body)["grantType"] == "refresh_token"


def test_a_page_refused_again_right_after_a_refresh_signs_out_instead_of_looping(
    sign_in, gateway
) -> None:  # type: ignore[no-untyped-def]
    client = sign_in("bob")
    gateway.post(LIST_URL, status=401, json={"status": 401, "message": "token revoked"})
    gateway.post(TOKEN_URL, json=token_answer(access="access-renewed"))
    client.get("/customers/")
    response = client.get("/customers/")
    assert response["Location"].startswith("/login/?next=")
    assert SESSION_KEY not in client.session
    assert len([c for c in gateway.calls if c.request.url == TOKEN_URL]) == 1


def test_a_write_the_gateway_refuses_as_unauthorized_is_not_replayed(sign_in, gateway) -> None:  # type: ignore[no-untyped-def]
    client = sign_in("bob")
    response = client.post("/approvals/999/withdraw/")
    assert response.status_code == 404
    gateway.get(
        FAKE_GATEWAY + "/customer/2.0.0/c-00001", status=401, json={"status": 401, "message": "x"}
    )
    gateway.get(FAKE_GATEWAY + "/customer/2.0.0/c-00001/documents", json={"documents": []})
    gateway.get(FAKE_GATEWAY + "/customer/2.0.0/c-00001/sepaId", json={"sepaId": "X"})
    response = client.post("/customers/c-00001/actions/kyc/", {"kyc": "pending"})
    assert response["Location"].startswith("/login/?next=")
    assert [c for c in gateway.calls if c.request.url == TOKEN_URL] == []


def test_a_token_the_gateway_no_longer_accepts_signs_staff_out_when_refresh_is_refused(
    sign_in, gateway
) -> None:  # type: ignore[no-untyped-def]
    client = sign_in("bob")
    gateway.post(LIST_URL, status=401, json={"status": 401, "message": "token revoked"})
    gateway.post(TOKEN_URL, status=401, json={"status": 401, "message": "refresh revoked"})
    response = client.get("/customers/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith("/login/?next=")
    assert SESSION_KEY not in client.session


def test_sign_out_is_a_post_that_forgets_the_token(sign_in) -> None:  # type: ignore[no-untyped-def]
    client = sign_in("bob")
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response["Location"] == "/login/"
    assert SESSION_KEY not in client.session


def test_sign_out_requires_the_csrf_token(sign_in) -> None:  # type: ignore[no-untyped-def]
    client = sign_in("bob")
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    assert strict.post("/logout/").status_code == 403


@pytest.mark.django_db
def test_no_token_reaches_a_log_line_even_at_debug_level(
    client: Client, gateway: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_bob_signs_in(gateway)
    gateway.post(LIST_URL, json=EMPTY_PAGE)
    client.post("/login/", {"username": "bob", "password": "bob-sandbox"})
    client.get("/customers/")
    # The calls were logged (with their request ids), just never their credentials.
    assert "gateway POST /api/v2/auth/token -> 200" in caplog.text
    assert "GET /customers/ 200" in caplog.text
    for secret in ("access-secret-1", "refresh-secret-1", "bob-sandbox"):
        assert secret not in caplog.text


@pytest.mark.django_db
def test_signing_in_again_keeps_the_other_sessions_and_preferences_of_the_person() -> None:
    bob = StaffIdentity("u-bob", "bob", "Bob Compliance", ("COMPLIANCE",), TENANT)
    first = mirror_staff_member(bob)
    first.time_zone = "Asia/Tokyo"
    first.save(update_fields=["time_zone"])
    hash_of_the_first_session = first.get_session_auth_hash()

    again = mirror_staff_member(
        StaffIdentity("u-bob", "bob", "Bob Renamed", ("COMPLIANCE",), TENANT)
    )

    assert again.pk == first.pk
    assert again.display_name == "Bob Renamed"
    assert again.time_zone == "Asia/Tokyo"
    assert again.get_session_auth_hash() == hash_of_the_first_session
    assert not again.has_usable_password()


def test_a_refresh_the_gateway_cannot_answer_shows_a_banner_and_keeps_the_session(
    sign_in, gateway
) -> None:  # type: ignore[no-untyped-def]
    client = sign_in("bob", expires_in=5)
    gateway.post(TOKEN_URL, status=503, json={"status": 503, "message": "maintenance"})
    response = client.get("/customers/")
    assert response.status_code == 502
    assert b"The gateway is unavailable" in response.content
    assert client.session[SESSION_KEY]["refresh_token"] == "refresh-u-bob-secret"
