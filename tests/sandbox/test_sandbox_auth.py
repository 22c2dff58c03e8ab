"""Token service, bearer and tenant checks, staff users."""

from __future__ import annotations

import requests

from tests.sandbox.conftest import CUSTOMERS, TENANT, GatewayClient

TOKEN_PATH = "/api/v2/auth/token"


def _token_request(client: GatewayClient, body: dict, tenant: str | None = TENANT):
    headers = {"X-Tenant-ID": tenant} if tenant else {}
    return requests.post(client.url + TOKEN_PATH, json=body, headers=headers, timeout=5)


def test_it_issues_a_bearer_token_with_user_and_roles(client: GatewayClient) -> None:
    token = client.token("alice")
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    assert token["scope"] == "backoffice"
    assert token["userId"] == "u-alice"
    assert token["roles"] == ["ADMIN"]
    assert token["access_token"] and token["refresh_token"]
    assert token["access_token"] != token["refresh_token"]


def test_it_refuses_a_wrong_password_with_401(client: GatewayClient) -> None:
    response = _token_request(client, {"username": "bob", "password": "alice-sandbox"})
    assert response.status_code == 401
    assert response.json() == {
        "status": 401,
        "error": "Unauthorized",
        "message": "Invalid username, password or tenant",
    }


def test_it_refuses_an_unknown_user(client: GatewayClient) -> None:
    response = _token_request(client, {"username": "mallory", "password": "mallory-sandbox"})
    assert response.status_code == 401


def test_it_refuses_staff_of_another_tenant(client: GatewayClient) -> None:
    response = _token_request(client, {"username": "dave", "password": "dave-sandbox"})
    assert response.status_code == 401
    assert client.token("dave", "finhub-other")["userId"] == "u-dave"


def test_it_requires_the_tenant_header_on_the_token_request(client: GatewayClient) -> None:
    response = _token_request(client, {"username": "bob", "password": "bob-sandbox"}, None)
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "X-Tenant-ID", "message": "header is required"}]


def test_it_reports_missing_credentials_as_field_errors(client: GatewayClient) -> None:
    response = _token_request(client, {"username": "bob"})
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["password"]


def test_refresh_gives_a_new_pair_and_revokes_the_old_refresh_token(
    client: GatewayClient,
) -> None:
    first = client.token("carol")
    body = {"grantType": "refresh_token", "refreshToken": first["refresh_token"]}
    second = _token_request(client, body)
    assert second.status_code == 200
    pair = second.json()
    assert pair["userId"] == "u-carol"
    assert pair["access_token"] != first["access_token"]
    assert pair["refresh_token"] != first["refresh_token"]
    assert _token_request(client, body).status_code == 401
    unknown = {"grantType": "refresh_token", "refreshToken": "not-a-token"}
    assert _token_request(client, unknown).status_code == 401


def test_an_expired_access_token_gets_401_and_refresh_still_works(
    client: GatewayClient,
) -> None:
    token = client.token("erin")
    headers = {"Authorization": f"Bearer {token['access_token']}", "tenantId": TENANT}
    url = client.url + CUSTOMERS + "/c-00001"
    assert requests.get(url, headers=headers, timeout=5).status_code == 200
    expired = requests.post(client.url + "/_sandbox/tokens/expire", timeout=5)
    assert expired.json()["expired"] >= 1
    response = requests.get(url, headers=headers, timeout=5)
    assert response.status_code == 401
    assert response.json()["message"] == "Bearer token has expired"
    body = {"grantType": "refresh_token", "refreshToken": token["refresh_token"]}
    fresh = _token_request(client, body).json()
    headers["Authorization"] = f"Bearer {fresh['access_token']}"
    assert requests.get(url, headers=headers, timeout=5).status_code == 200


def test_it_requires_a_bearer_token(client: GatewayClient) -> None:
    url = client.url + CUSTOMERS + "/c-00001"
    assert requests.get(url, headers={"tenantId": TENANT}, timeout=5).status_code == 401
    bogus = {"Authorization": "Bearer nope", "tenantId": TENANT}
    assert requests.get(url, headers=bogus, timeout=5).status_code == 401


def test_the_tenant_header_must_match_the_token(client: GatewayClient) -> None:
    assert client.get(CUSTOMERS + "/c-00001", tenant="finhub-other").status_code == 403
    missing = client.get(CUSTOMERS + "/c-00001", tenant="")
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "tenantId"


def test_it_lists_the_staff_of_the_callers_tenant(client: GatewayClient) -> None:
    users = client.get("/api/v2/users").json()
    assert [user["id"] for user in users] == ["u-alice", "u-bob", "u-carol", "u-erin"]
    assert client.get("/api/v2/users/u-carol").json() == {
        "id": "u-carol",
        "username": "carol",
        "name": "Carol Agent",
        "roles": ["ASSIGNEE"],
    }
    assert client.get("/api/v2/users/u-dave").status_code == 403
    assert client.get("/api/v2/users/u-nobody").status_code == 404
