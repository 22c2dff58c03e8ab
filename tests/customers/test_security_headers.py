"""Security headers on signed-in pages, and the bearer token never leaving the server."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import responses
from django.test import Client

from tests.conftest import FAKE_GATEWAY, TENANT

CUSTOMERS = FAKE_GATEWAY + "/customer/2.0.0"
TOKEN_URL = FAKE_GATEWAY + "/api/v2/auth/token"
BOB_TOKEN = "access-u-bob-secret"
BOB_REFRESH_TOKEN = "refresh-u-bob-secret"
HTMX = {"HX-Request": "true"}


def customer_json(customer_id: str = "c-00042") -> dict[str, Any]:
    return {
        "id": customer_id,
        "customerType": "Person",
        "customerName": "Lena Fischer",
        "customerStatus": "verified",
        "organizationId": "org-002",
        "created": "2025-01-10T08:00:00Z",
        "person": {
            "firstName": {"name": "Lena"},
            "lastName": {"name": "Fischer"},
            "email": "lena@example.de",
            "pinCode": "PIN-1234",
            "password": "pw-lena",
            "SecretQuestion": [{"question": "City?", "answer": "secret-answer-lena"}],
        },
        "twofa": {"targetType": "SMS", "targetCode": "2FA-123456", "inputCode": "2FA-654321"},
    }


def register_gateway(gateway: responses.RequestsMock) -> None:
    page = {"customers": [customer_json()], "pagination": {"numberOfPage": 1, "totalSize": 1}}
    gateway.post(CUSTOMERS + "/getAllByTenantId", json=page)
    gateway.get(CUSTOMERS + "/c-00042", json=customer_json())
    gateway.get(CUSTOMERS + "/c-00042/documents", json={"documents": []})
    gateway.get(CUSTOMERS + "/c-00042/sepaId", json={"sepaId": "FH0042DE"})


def csp_directives(response: Any) -> dict[str, str]:
    directives = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, _, value = directive.strip().partition(" ")
        directives[name] = value.strip()
    return directives


def assert_token_not_in(response: Any, *tokens: str) -> None:
    body = response.content.decode()
    headers = json.dumps(list(response.items()))
    cookies = " ".join(morsel.OutputString() for morsel in response.cookies.values())
    for token in tokens:
        assert token not in body
        assert token not in headers
        assert token not in cookies


@pytest.fixture
def bob(sign_in: Callable[..., Client]) -> Client:
    return sign_in("bob")


PAGES = [
    pytest.param("/customers/", {}, id="list"),
    pytest.param("/customers/", HTMX, id="list fragment"),
    pytest.param("/customers/c-00042/", {}, id="detail"),
]


@pytest.mark.parametrize(("url", "headers"), PAGES)
def test_it_sends_the_security_headers_on_a_signed_in_page(
    bob: Client, gateway: responses.RequestsMock, url: str, headers: dict[str, str]
) -> None:
    register_gateway(gateway)
    response = bob.get(url, headers=headers)
    assert response.status_code == 200
    directives = csp_directives(response)
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_it_sends_the_security_headers_on_a_gateway_error_page(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(CUSTOMERS + "/c-00042", status=503, json={"status": 503, "message": "busy"})
    gateway.get(CUSTOMERS + "/c-00042/documents", json={"documents": []})
    gateway.get(CUSTOMERS + "/c-00042/sepaId", json={"sepaId": "FH0042DE"})
    response = bob.get("/customers/c-00042/")
    assert response.status_code == 502
    assert csp_directives(response)["script-src"] == "'self'"
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]


def test_the_page_carries_no_inline_script(bob: Client, gateway: responses.RequestsMock) -> None:
    register_gateway(gateway)
    page = bob.get("/customers/").content.decode()
    assert page.count("<script") == page.count("<script src=")
    assert " onclick=" not in page
    assert " onload=" not in page


@pytest.mark.parametrize(("url", "headers"), PAGES)
def test_the_bearer_token_is_in_no_response(
    bob: Client, gateway: responses.RequestsMock, url: str, headers: dict[str, str]
) -> None:
    register_gateway(gateway)
    response = bob.get(url, headers=headers)
    assert response.status_code == 200
    assert all(
        call.request.headers["Authorization"] == f"Bearer {BOB_TOKEN}" for call in gateway.calls
    )
    assert_token_not_in(response, BOB_TOKEN, BOB_REFRESH_TOKEN)
    for morsel in bob.cookies.values():
        assert BOB_TOKEN not in morsel.value
        assert BOB_REFRESH_TOKEN not in morsel.value


def test_the_bearer_token_is_in_no_gateway_error_page(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(
        CUSTOMERS + "/getAllByTenantId",
        status=500,
        json={"status": 500, "error": "Internal Server Error", "message": "Unexpected failure"},
    )
    response = bob.get("/customers/")
    assert response.status_code == 502
    assert_token_not_in(response, BOB_TOKEN, BOB_REFRESH_TOKEN)


def test_signing_in_sets_an_http_only_session_cookie_without_the_token(
    client: Client, gateway: responses.RequestsMock, db: None
) -> None:
    gateway.post(
        TOKEN_URL,
        json={
            "access_token": BOB_TOKEN,
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": BOB_REFRESH_TOKEN,
            "scope": "backoffice",
            "userId": "u-bob",
            "roles": ["COMPLIANCE"],
        },
    )
    gateway.get(FAKE_GATEWAY + "/api/v2/users/u-bob", json={"id": "u-bob", "name": "Bob C."})
    register_gateway(gateway)

    signed_in = client.post("/login/", {"username": "bob", "password": "bob-sandbox"})

    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/customers/"
    token_call = gateway.calls[0]
    assert token_call.request.url == TOKEN_URL
    assert token_call.request.headers["X-Tenant-ID"] == TENANT
    assert json.loads(token_call.request.body) == {"username": "bob", "password": "bob-sandbox"}
    session_cookie = signed_in.cookies["sessionid"]
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"
    assert_token_not_in(signed_in, BOB_TOKEN, BOB_REFRESH_TOKEN)
    assert "bob-sandbox" not in signed_in.content.decode()

    page = client.get("/customers/")
    assert page.status_code == 200
    assert "Bob C." in page.content.decode()
    assert gateway.calls[-1].request.headers["Authorization"] == f"Bearer {BOB_TOKEN}"
    assert_token_not_in(page, BOB_TOKEN, BOB_REFRESH_TOKEN)
    for morsel in client.cookies.values():
        assert BOB_TOKEN not in morsel.value
