"""The gateway client: what it sends, how it fails, and when it tries again."""

from __future__ import annotations

import json

import pytest
import requests
import responses
from responses import matchers

from backoffice.gateway import errors, paths
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.connection import gateway_client
from tests.conftest import FAKE_GATEWAY, TENANT

AUTH = GatewayAuth(access_token="tok-123", tenant_id=TENANT, request_id="rid-0001")
STATUS_URL = FAKE_GATEWAY + "/customer/2.0.0/getByCustomerStatus/verified"
DETAIL_URL = FAKE_GATEWAY + "/customer/2.0.0/c-00001"
KYC_URL = FAKE_GATEWAY + "/customer/2.0.0/c-00001/kycConfirmation"


def call_status_list() -> object:
    return gateway_client().call(
        paths.CUSTOMERS_BY_STATUS,
        auth=AUTH,
        path_params={"status": "verified"},
        json={"pageNumber": 1, "pageSize": 25},
    )


def test_it_sends_bearer_tenant_request_id_and_json_body(gateway: responses.RequestsMock) -> None:
    gateway.post(
        STATUS_URL,
        json={"customers": [], "pagination": {}},
        match=[
            matchers.header_matcher(
                {"Authorization": "Bearer tok-123", "tenantId": TENANT, "X-Request-ID": "rid-0001"}
            ),
            matchers.json_params_matcher({"pageNumber": 1, "pageSize": 25}),
        ],
    )
    assert call_status_list() == {"customers": [], "pagination": {}}


def test_it_quotes_path_parameters(gateway: responses.RequestsMock) -> None:
    gateway.get(FAKE_GATEWAY + "/customer/2.0.0/a%2Fb%3F", json={"id": "x"})
    gateway_client().call(paths.CUSTOMER_DETAIL, auth=AUTH, path_params={"customer_id": "a/b?"})
    assert gateway.calls[0].request.url == FAKE_GATEWAY + "/customer/2.0.0/a%2Fb%3F"


def test_it_passes_timeouts_from_settings(gateway: responses.RequestsMock, settings) -> None:  # type: ignore[no-untyped-def]
    settings.GATEWAY_CONNECT_TIMEOUT = 1.5
    settings.GATEWAY_READ_TIMEOUT = 7.0
    gateway_client.cache_clear()
    gateway.get(DETAIL_URL, json={"id": "c-00001"})
    gateway_client().call(paths.CUSTOMER_DETAIL, auth=AUTH, path_params={"customer_id": "c-00001"})
    assert gateway.calls[0].request.req_kwargs["timeout"] == (1.5, 7.0)


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, errors.GatewayRejected),
        (401, errors.GatewayUnauthorized),
        (403, errors.GatewayForbidden),
        (404, errors.GatewayNotFound),
        (500, errors.GatewayUnavailable),
        (504, errors.GatewayTimeout),
    ],
)
def test_each_error_status_becomes_its_own_error(
    gateway: responses.RequestsMock, status: int, error_class: type[errors.GatewayError]
) -> None:
    gateway.get(
        DETAIL_URL,
        status=status,
        json={"status": status, "error": "Whatever", "message": f"gateway said {status}"},
    )
    with pytest.raises(error_class) as raised:
        gateway_client().call(
            paths.CUSTOMER_DETAIL, auth=AUTH, path_params={"customer_id": "c-00001"}
        )
    assert raised.value.message == f"gateway said {status}"
    assert raised.value.request_id == "rid-0001"
    assert raised.value.status == status


def test_field_errors_are_grouped_by_field(gateway: responses.RequestsMock) -> None:
    gateway.post(
        KYC_URL,
        status=400,
        json={
            "status": 400,
            "error": "Bad Request",
            "message": "Validation failed",
            "errors": [
                {"field": "kycConfirmation", "message": "unknown value"},
                {"field": "comment", "message": "too long"},
            ],
        },
    )
    with pytest.raises(errors.GatewayRejected) as raised:
        gateway_client().call(
            paths.CUSTOMER_KYC_CONFIRMATION,
            auth=AUTH,
            path_params={"customer_id": "c-00001"},
            json={"kycConfirmation": "maybe"},
        )
    assert raised.value.field_errors == {
        "kycConfirmation": ["unknown value"],
        "comment": ["too long"],
    }


def test_a_body_that_is_not_json_is_a_bad_response(gateway: responses.RequestsMock) -> None:
    gateway.get(DETAIL_URL, body="<html>proxy error page</html>", status=200)
    with pytest.raises(errors.GatewayBadResponse):
        gateway_client().call(
            paths.CUSTOMER_DETAIL, auth=AUTH, path_params={"customer_id": "c-00001"}
        )


def test_an_error_without_a_json_body_still_gets_a_readable_message(
    gateway: responses.RequestsMock,
) -> None:
    gateway.get(DETAIL_URL, body="Bad gateway", status=502)
    gateway.get(DETAIL_URL, body="Bad gateway", status=502)
    gateway.get(DETAIL_URL, body="Bad gateway", status=502)
    with pytest.raises(errors.GatewayUnavailable) as raised:
        gateway_client().call(
            paths.CUSTOMER_DETAIL, auth=AUTH, path_params={"customer_id": "c-00001"}
        )
    assert "HTTP 502" in raised.value.message


def test_reads_are_retried_after_a_transient_failure(gateway: responses.RequestsMock) -> None:
    gateway.post(STATUS_URL, status=503, json={"status": 503, "message": "busy"})
    gateway.post(STATUS_URL, body=requests.ConnectionError("reset"))
    gateway.post(STATUS_URL, json={"customers": [], "pagination": {}})
    assert call_status_list() == {"customers": [], "pagination": {}}
    assert len(gateway.calls) == 3


def test_reads_give_up_after_the_configured_retries(gateway: responses.RequestsMock) -> None:
    for _ in range(3):
        gateway.post(STATUS_URL, body=requests.ConnectTimeout("slow"))
    with pytest.raises(errors.GatewayUnavailable):
        call_status_list()
    assert len(gateway.calls) == 3


def test_reads_are_not_retried_after_a_client_error(gateway: responses.RequestsMock) -> None:
    gateway.post(STATUS_URL, status=400, json={"status": 400, "message": "bad page size"})
    with pytest.raises(errors.GatewayRejected):
        call_status_list()
    assert len(gateway.calls) == 1


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 503, "json": {"status": 503, "message": "busy"}},
        {"body": requests.ConnectionError("reset")},
        {"body": requests.ReadTimeout("slow")},
    ],
)
def test_writes_are_never_retried(gateway: responses.RequestsMock, failure: dict) -> None:
    gateway.post(KYC_URL, **failure)
    gateway.post(KYC_URL, json={"id": "c-00001"})
    with pytest.raises(errors.GatewayUnavailable):
        gateway_client().call(
            paths.CUSTOMER_KYC_CONFIRMATION,
            auth=AUTH,
            path_params={"customer_id": "c-00001"},
            json={"kycConfirmation": "confirmed", "comment": "ok"},
        )
    assert len(gateway.calls) == 1
    assert json.loads(gateway.calls[0].request.body) == {
        "kycConfirmation": "confirmed",
        "comment": "ok",
    }


def test_one_session_is_reused_for_every_call(gateway: responses.RequestsMock) -> None:
    assert gateway_client() is gateway_client()
    adapter = gateway_client().session.get_adapter(FAKE_GATEWAY)
    assert adapter._pool_maxsize == 16  # type: ignore[attr-defined]


def test_the_environment_is_read_once_when_the_client_is_built_not_on_every_call(
    gateway: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proxies and a CA bundle from the environment still apply; looking them up on every call
    (requests walks os.environ twice and looks for a .netrc) cost a fifth of a call's CPU."""
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/example-ca.pem")
    gateway_client.cache_clear()
    client = gateway_client()
    lookups: list[str] = []
    monkeypatch.setattr(
        requests.sessions, "get_environ_proxies", lambda *a, **k: lookups.append("x")
    )
    monkeypatch.setattr(requests.sessions, "get_netrc_auth", lambda *a, **k: lookups.append("x"))
    gateway.get(DETAIL_URL, json={"id": "c-00001"})
    for _ in range(2):
        client.call(paths.CUSTOMER_DETAIL, auth=AUTH, path_params={"customer_id": "c-00001"})
    assert lookups == []
    sent = gateway.calls[0].request.req_kwargs
    assert sent["proxies"]["http"] == "http://proxy.example:3128"
    assert sent["verify"] == "/etc/ssl/certs/example-ca.pem"
    assert gateway.calls[0].request.headers["Authorization"] == "Bearer tok-123"
