"""Probes without sign-in, Prometheus metrics behind a bearer token, and one JSON log line per
request and per gateway call that says who, what, how it ended and how long it took."""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import responses
from django.conf import settings as django_settings
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client
from prometheus_client import REGISTRY
from pythonjsonlogger.json import JsonFormatter

from backoffice.models import StaffMember
from backoffice.request_id import RequestIdLogFilter
from backoffice.request_log import StaffLogFilter
from customers.models import ChangeRequest
from tests.conftest import FAKE_GATEWAY

PROBE_URL = FAKE_GATEWAY + "/api/v2/users"
LIST_URL = FAKE_GATEWAY + "/customer/2.0.0/getByCustomerStatus/verified"
EMPTY_PAGE = {"customers": [], "pagination": {"totalRecords": 0}}
TOKEN_URL = FAKE_GATEWAY + "/api/v2/auth/token"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


# ---- /healthz ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_without_sign_in_database_or_gateway(
    client: Client, gateway: responses.RequestsMock, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert len(gateway.calls) == 0
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert "no-store" in response["Cache-Control"]


# ---- /readyz -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_readyz_reports_each_check_and_answers_200_when_all_answer(
    client: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(PROBE_URL, status=401, json={"message": "no token"})
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {
        "database": {"ok": True, "detail": "ok"},
        "cache": {"ok": True, "detail": "ok"},
        "gateway": {"ok": True, "detail": "ok (HTTP 401)"},
    }
    assert "Authorization" not in gateway.calls[0].request.headers


@pytest.mark.django_db(transaction=True)
def test_readyz_answers_503_naming_an_unreachable_gateway(
    client: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(PROBE_URL, body=requests.ConnectionError("refused"))
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["gateway"]["ok"] is False
    assert "Gateway" in checks["gateway"]["detail"]
    assert checks["database"]["ok"] and checks["cache"]["ok"]


@pytest.mark.django_db(transaction=True)
def test_readyz_gives_a_silent_gateway_only_its_short_timeout(
    client: Client, gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.READYZ_TIMEOUT = 0.3
    released = threading.Event()

    def silent(request: Any) -> tuple[int, dict[str, str], str]:
        released.wait(timeout=5)
        return 200, {}, "[]"

    gateway.add_callback(responses.GET, PROBE_URL, callback=silent)
    started = time.monotonic()
    try:
        response = client.get("/readyz")
    finally:
        released.set()
    assert time.monotonic() - started < 1.5
    assert response.status_code == 503
    assert response.json()["checks"]["gateway"]["ok"] is False


@pytest.mark.django_db(transaction=True)
def test_readyz_answers_503_when_the_cache_loses_what_it_was_given(
    client: Client, gateway: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway.get(PROBE_URL, status=401, json={})
    # Caches are per thread; the probe's thread gets its own instance of the same class.
    monkeypatch.setattr(LocMemCache, "get", lambda *args, **kwargs: None)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {"ok": False, "detail": "RuntimeError"}


# ---- /metrics ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_are_off_without_a_token(client: Client, settings: Any) -> None:
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
def test_metrics_refuse_a_missing_or_wrong_token(client: Client, settings: Any) -> None:
    settings.METRICS_TOKEN = "scrape-secret"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="scrape-secret").status_code == 403


def scrape(client: Client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_metrics_count_requests_by_view_and_gateway_calls_by_endpoint(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.METRICS_TOKEN = "scrape-secret"
    list_view = {"view": "customers:list", "method": "GET", "status": "200"}
    endpoint = {"endpoint": "/customer/2.0.0/getByCustomerStatus/{status}", "method": "POST"}
    failed = {**endpoint, "error": "GatewayRejected"}
    requests_before = sample("backoffice_request_seconds_count", **list_view)
    calls_before = sample("backoffice_gateway_call_seconds_count", **endpoint)
    errors_before = sample("backoffice_gateway_errors_total", **failed)
    gateway.post(LIST_URL, json=EMPTY_PAGE)
    gateway.post(LIST_URL, status=400, json={"message": "bad page"})
    bob = sign_in("bob")

    assert bob.get("/customers/?status=verified").status_code == 200
    bob.get("/customers/?status=verified")

    assert sample("backoffice_request_seconds_count", **list_view) == requests_before + 1
    assert sample("backoffice_gateway_call_seconds_count", **endpoint) == calls_before + 2
    assert sample("backoffice_gateway_errors_total", **failed) == errors_before + 1
    text = scrape(Client())
    assert (
        'backoffice_request_seconds_bucket{le="0.005",method="GET",status="200",view="customers:list"}'
        in text
    )
    assert "backoffice_gateway_calls_in_flight 0.0" in text


def test_metrics_count_token_refreshes(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    before = sample("backoffice_token_refreshes_total", outcome="ok")
    gateway.post(
        TOKEN_URL,
        json={"access_token": "access-new-secret", "refresh_token": "r2", "expires_in": 3600},
    )
    gateway.post(LIST_URL, json=EMPTY_PAGE)
    sign_in("bob", expires_in=10).get("/customers/?status=verified")
    assert sample("backoffice_token_refreshes_total", outcome="ok") == before + 1


@pytest.mark.django_db
def test_metrics_count_pending_approvals_when_scraped(client: Client, settings: Any) -> None:
    settings.METRICS_TOKEN = "scrape-secret"
    maker = StaffMember.objects.create(username="finhub-demo:bob", gateway_user_id="u-bob")
    for customer_id, status in [("c-1", "pending"), ("c-2", "pending"), ("c-3", "rejected")]:
        ChangeRequest.objects.create(
            customer_id=customer_id, customer_name="x", action="status", maker=maker, status=status
        )
    assert "backoffice_pending_approvals 2.0" in scrape(client)
    ChangeRequest.objects.filter(customer_id="c-1").update(status="approved")
    assert "backoffice_pending_approvals 1.0" in scrape(client)


# ---- JSON log lines ----------------------------------------------------------------------------


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What the configured JSON handler writes, one object per line."""
    formatter_config = django_settings.LOGGING["formatters"]["json"]
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(
        JsonFormatter(formatter_config["format"], rename_fields=formatter_config["rename_fields"])
    )
    handler.addFilter(RequestIdLogFilter())
    handler.addFilter(StaffLogFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.DEBUG)
    yield buffer
    root.removeHandler(handler)
    root.setLevel(level)


def lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_one_json_line_per_request_and_per_gateway_call_with_who_what_and_how_long(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock, json_log: io.StringIO
) -> None:
    gateway.post(LIST_URL, json=EMPTY_PAGE)
    response = sign_in("bob").get("/customers/?status=verified")
    request_id = response["X-Request-ID"]
    logged = lines(json_log)

    (page,) = [line for line in logged if line["logger"] == "backoffice.request"]
    assert page["message"] == "GET /customers/ 200"
    assert (page["request_id"], page["staff_id"]) == (request_id, "u-bob")
    assert (page["view"], page["status"], page["level"]) == ("customers:list", 200, "INFO")
    assert isinstance(page["ms"], float) and page["ms"] >= 0
    (call,) = [line for line in logged if line["logger"] == "backoffice.gateway"]
    assert (call["request_id"], call["staff_id"]) == (request_id, "u-bob")
    assert call["endpoint"] == "/customer/2.0.0/getByCustomerStatus/{status}"
    assert (call["method"], call["status"], call["error"]) == ("POST", 200, None)
    assert call["attempt"] == 1
    assert isinstance(call["ms"], float)


def test_a_failed_gateway_call_is_one_warning_line_naming_the_error(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock, json_log: io.StringIO
) -> None:
    gateway.get(FAKE_GATEWAY + "/customer/2.0.0/c-00001", body=requests.ReadTimeout("no answer"))
    sign_in("bob").get("/customers/c-00001/")
    failures = [
        line
        for line in lines(json_log)
        if line["logger"] == "backoffice.gateway" and line["endpoint"].endswith("{customer_id}")
    ]
    assert [(line["status"], line["error"], line["level"]) for line in failures] == [
        (None, "GatewayTimeout", "WARNING")
    ]
    assert failures[0]["staff_id"] == "u-bob"  # logged on a concurrent-read thread


@pytest.mark.django_db
def test_no_password_or_token_reaches_a_json_line(
    client: Client, gateway: responses.RequestsMock, json_log: io.StringIO
) -> None:
    gateway.post(
        TOKEN_URL,
        json={
            "access_token": "access-secret-1",
            "refresh_token": "refresh-secret-1",
            "expires_in": 3600,
            "userId": "u-bob",
            "roles": ["COMPLIANCE"],
        },
    )
    gateway.get(FAKE_GATEWAY + "/api/v2/users/u-bob", json={"name": "Bob"})
    gateway.post(LIST_URL, json=EMPTY_PAGE)
    client.post("/login/", {"username": "bob", "password": "bob-sandbox"})
    client.get("/customers/?status=verified")
    written = json_log.getvalue()
    assert "/api/v2/auth/token" in written and "GET /customers/ 200" in written
    for secret in ("access-secret-1", "refresh-secret-1", "bob-sandbox"):
        assert secret not in written
