"""Control endpoints: health, fault injection and connection statistics."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests

from sandbox.app import create_app
from tests.sandbox.conftest import CUSTOMERS, GatewayClient


@pytest.fixture
def control(client: GatewayClient) -> Iterator[str]:
    """The sandbox's control URL; faults are cleared after each test."""
    yield client.url + "/_sandbox"
    requests.delete(client.url + "/_sandbox/faults", timeout=5)


def test_health_needs_no_token(control: str) -> None:
    assert requests.get(control + "/health", timeout=5).json() == {"status": "ok"}


def test_a_latency_rule_applies_only_to_its_prefix(client: GatewayClient, control: str) -> None:
    client.token("bob")
    rule = {"latencyMs": 300, "jitterMs": 0, "errorRate": 0, "pathPrefix": CUSTOMERS}
    listed = requests.put(control + "/faults", json=rule, timeout=5).json()
    defaults = {
        "errorRate": 0.0,
        "statusCode": 503,
        "mode": "delay",
        "methods": None,
        "count": None,
    }
    assert listed == {"rules": [{**rule, **defaults}]}
    started = time.monotonic()
    assert client.get("/api/v2/users").status_code == 200
    assert time.monotonic() - started < 0.25
    started = time.monotonic()
    assert client.get(CUSTOMERS + "/c-00001").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_an_error_rate_of_one_answers_503_with_the_error_body(
    client: GatewayClient, control: str
) -> None:
    client.token("bob")
    requests.put(control + "/faults", json={"errorRate": 1.0, "pathPrefix": None}, timeout=5)
    response = client.get(CUSTOMERS + "/c-00001")
    assert response.status_code == 503
    assert response.json() == {
        "status": 503,
        "error": "Service Unavailable",
        "message": "Injected fault (sandbox)",
    }
    assert requests.get(control + "/health", timeout=5).status_code == 200
    requests.delete(control + "/faults", timeout=5)
    assert requests.get(control + "/faults", timeout=5).json() == {"rules": []}
    assert client.get(CUSTOMERS + "/c-00001").status_code == 200


def test_the_longest_matching_prefix_wins_and_status_code_is_configurable(
    client: GatewayClient, control: str
) -> None:
    client.token("bob")
    requests.put(control + "/faults", json={"errorRate": 1.0}, timeout=5)
    narrow = {"errorRate": 1.0, "statusCode": 502, "pathPrefix": CUSTOMERS + "/c-00001"}
    requests.put(control + "/faults", json=narrow, timeout=5)
    assert client.get(CUSTOMERS + "/c-00001").status_code == 502
    assert client.get(CUSTOMERS + "/c-00002").status_code == 503


def test_a_bad_fault_rule_is_a_field_error(control: str) -> None:
    body = {"latencyMs": -1, "errorRate": 2, "pathPrefix": "customer", "statusCode": 200}
    response = requests.put(control + "/faults", json=body, timeout=5)
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {
        "latencyMs",
        "errorRate",
        "pathPrefix",
        "statusCode",
    }


def test_stats_count_requests_and_client_connections(client: GatewayClient, control: str) -> None:
    token = client.token("bob")["access_token"]
    headers = {"Authorization": f"Bearer {token}", "tenantId": "finhub-demo"}
    assert requests.delete(control + "/stats", timeout=5).json() == {
        "requests": 0,
        "connections": 0,
    }
    with requests.Session() as session:
        for _ in range(5):
            session.get(client.url + CUSTOMERS + "/c-00001", headers=headers, timeout=5)
    assert requests.get(control + "/stats", timeout=5).json() == {
        "requests": 5,
        "connections": 1,
    }
    for _ in range(3):
        requests.get(client.url + CUSTOMERS + "/c-00001", headers=headers, timeout=5)
    assert requests.get(control + "/stats", timeout=5).json() == {
        "requests": 8,
        "connections": 4,
    }


def test_faults_can_come_from_the_factory_and_never_touch_control_paths(tmp_path) -> None:
    app = create_app(str(tmp_path / "db.sqlite3"), error_rate=1.0, fault_prefix="/api", seed=False)
    statuses: list[str] = []

    def call(path: str) -> None:
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "wsgi.input": None}
        app(environ, lambda status, headers: statuses.append(status))

    try:
        call("/api/v2/users")
        call("/customer/2.0.0/c-00001")
        call("/_sandbox/health")
    finally:
        app.close()
    assert statuses == ["503 Service Unavailable", "401 Unauthorized", "200 OK"]
