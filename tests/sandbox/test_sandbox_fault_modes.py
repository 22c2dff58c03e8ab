"""Fault modes the trust tests build on: late answers to applied writes, dropped connections,
rules for some methods or some requests only, and a gateway that is down.

Each mode is proven twice: from what the sandbox then holds (applied or not) and from what a
`requests` client, and a bare socket, sees.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sandbox.server import RunningSandbox
from tests.sandbox.conftest import CUSTOMERS, TENANT, GatewayClient

FS = "/finsupport/1.0.0"
FAULTS = "/_sandbox/faults"


@pytest.fixture
def faults(own_sandbox: RunningSandbox) -> Iterator[str]:
    """The fault-rule URL; every rule is cleared and the gateway is up after each test."""
    yield own_sandbox.url + FAULTS
    own_sandbox.resume()
    assert requests.delete(own_sandbox.url + FAULTS, timeout=5).json() == {"rules": []}


@pytest.fixture(autouse=True)
def no_server_noise(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Faults are normal here: the server must not log warnings or tracebacks about them."""
    caplog.set_level(logging.INFO, logger="waitress")
    yield
    noisy = [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith(("waitress", "sandbox"))
        and (record.levelno >= logging.WARNING or record.exc_info)
    ]
    assert noisy == []


def put_rule(faults: str, **rule: Any) -> list[dict[str, Any]]:
    response = requests.put(faults, json=rule, timeout=5)
    assert response.status_code == 200, response.text
    return list(response.json()["rules"])


def status_url(customer_id: str, status: str) -> str:
    return f"{CUSTOMERS}/update/{customer_id}/status/{status}"


def status_of(client: GatewayClient, customer_id: str) -> str:
    response = client.get(f"{CUSTOMERS}/{customer_id}")
    assert response.status_code == 200, response.text
    return str(response.json()["customerStatus"])


def change_for(client: GatewayClient, customer_id: str) -> tuple[str, str, str]:
    """The customer's status now, and two other statuses to move it to."""
    before = status_of(client, customer_id)
    first, second = [s for s in ("dispute", "on_hold", "under_investigation") if s != before][:2]
    return before, first, second


def bearer(client: GatewayClient, user: str = "bob") -> dict[str, str]:
    token = client.token(user)["access_token"]
    return {"Authorization": f"Bearer {token}", "tenantId": TENANT}


def raw_exchange(running: RunningSandbox, request: bytes) -> bytes:
    """Send ``request`` on a fresh socket and read everything until the server closes it."""
    with socket.create_connection((running.host, running.port), timeout=5) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


def raw_post(client: GatewayClient, path: str, body: bytes = b"{}") -> bytes:
    headers = "".join(f"{name}: {value}\r\n" for name, value in bearer(client).items())
    return (
        f"POST {path} HTTP/1.1\r\nHost: sandbox\r\n{headers}"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


# ---- the rule's shape -------------------------------------------------------------------------


def test_a_rule_lists_its_mode_methods_and_count(faults: str) -> None:
    rules = put_rule(
        faults, mode="drop", methods=["post", "PUT"], count=2, pathPrefix=CUSTOMERS + "/update"
    )
    assert rules == [
        {
            "latencyMs": 0,
            "jitterMs": 0,
            "errorRate": 0.0,
            "pathPrefix": CUSTOMERS + "/update",
            "statusCode": 503,
            "mode": "drop",
            "methods": ["POST", "PUT"],
            "count": 2,
        }
    ]
    defaults = put_rule(faults, latencyMs=5)[-1]
    assert (defaults["mode"], defaults["methods"], defaults["count"]) == ("delay", None, None)


def test_a_bad_mode_methods_or_count_is_a_field_error(faults: str) -> None:
    body = {"mode": "explode", "methods": ["FETCH"], "count": 0}
    response = requests.put(faults, json=body, timeout=5)
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"mode", "methods", "count"}
    for methods in ([], "POST", [1]):
        response = requests.put(faults, json={"methods": methods}, timeout=5)
        assert [e["field"] for e in response.json()["errors"]] == ["methods"]


def test_a_rule_for_the_same_prefix_and_methods_replaces_the_earlier_one(faults: str) -> None:
    put_rule(faults, pathPrefix=CUSTOMERS, methods=["POST"], errorRate=1.0)
    put_rule(faults, pathPrefix=CUSTOMERS, errorRate=1.0, statusCode=502)
    rules = put_rule(faults, pathPrefix=CUSTOMERS, methods=["POST"], errorRate=1.0, statusCode=500)
    assert sorted((r["methods"] or [""])[0] + str(r["statusCode"]) for r in rules) == [
        "502",
        "POST500",
    ]


# ---- methods and count ------------------------------------------------------------------------


def test_a_rule_for_writes_leaves_reads_working(client: GatewayClient, faults: str) -> None:
    before, target, _ = change_for(client, "c-00301")
    put_rule(faults, pathPrefix=CUSTOMERS, methods=["POST", "PUT"], errorRate=1.0)
    assert status_of(client, "c-00301") == before
    refused = client.post(status_url("c-00301", target), json={})
    assert refused.status_code == 503
    assert refused.json()["message"] == "Injected fault (sandbox)"
    assert status_of(client, "c-00301") == before  # answered 503 without handling the request


def test_a_rule_with_a_method_beats_one_without_for_the_same_prefix(
    client: GatewayClient, faults: str
) -> None:
    put_rule(faults, pathPrefix=CUSTOMERS, errorRate=1.0, statusCode=502)
    put_rule(faults, pathPrefix=CUSTOMERS, methods=["POST"], errorRate=1.0, statusCode=504)
    assert client.post(status_url("c-00302", "on_hold"), json={}).status_code == 504
    assert client.get(f"{CUSTOMERS}/c-00302").status_code == 502


def test_a_counted_rule_applies_to_that_many_requests_then_stops(
    client: GatewayClient, faults: str
) -> None:
    put_rule(faults, pathPrefix=CUSTOMERS, errorRate=1.0, count=2)
    put_rule(faults, pathPrefix=CUSTOMERS + "/c-00303", methods=["GET"], latencyMs=1, count=3)
    assert client.get(f"{CUSTOMERS}/c-00304").status_code == 503
    listed = requests.get(faults, timeout=5).json()["rules"]
    assert sorted(rule["count"] for rule in listed) == [1, 3]
    # The narrower rule wins for c-00303 and uses up its own count, not the 503 rule's.
    assert client.get(f"{CUSTOMERS}/c-00303").status_code == 200
    assert client.get(f"{CUSTOMERS}/c-00304").status_code == 503
    assert client.get(f"{CUSTOMERS}/c-00304").status_code == 200
    assert [rule["count"] for rule in requests.get(faults, timeout=5).json()["rules"]] == [2]


# ---- modes ------------------------------------------------------------------------------------


def test_delay_handles_the_request_when_the_sleep_ends_even_if_the_client_left(
    client: GatewayClient, own_sandbox: RunningSandbox, faults: str
) -> None:
    before, target, _ = change_for(client, "c-00305")
    headers = bearer(client)
    put_rule(faults, latencyMs=2000, methods=["POST"], pathPrefix=CUSTOMERS)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(
            own_sandbox.url + status_url("c-00305", target),
            json={},
            headers=headers,
            timeout=(3, 0.2),
        )
    assert status_of(client, "c-00305") == before  # not yet: the sandbox is still asleep
    deadline = time.monotonic() + 10
    while status_of(client, "c-00305") == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert status_of(client, "c-00305") == target  # applied after the client gave up


def test_apply_then_delay_stores_the_write_although_the_client_gave_up(
    client: GatewayClient, own_sandbox: RunningSandbox, faults: str
) -> None:
    _, target, _ = change_for(client, "c-00310")
    _, other_target, _ = change_for(client, "c-00311")
    headers = bearer(client)
    put_rule(faults, mode="applyThenDelay", latencyMs=2000, methods=["POST"], pathPrefix=CUSTOMERS)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(
            own_sandbox.url + status_url("c-00310", target),
            json={},
            headers=headers,
            timeout=(3, 0.4),
        )
    assert status_of(client, "c-00310") == target  # applied, and readable at once
    assert time.monotonic() - started < 2.0  # read back while the answer was still held
    sent = time.monotonic()
    answered = client.post(status_url("c-00311", other_target), json={})
    assert answered.status_code == 200, answered.text
    assert time.monotonic() - sent >= 2.0  # this answer was held back too
    assert status_of(client, "c-00311") == other_target


def test_apply_then_delay_with_an_error_rate_answers_the_error_after_applying(
    client: GatewayClient, faults: str
) -> None:
    _, target, _ = change_for(client, "c-00312")
    put_rule(
        faults,
        mode="applyThenDelay",
        errorRate=1.0,
        statusCode=504,
        methods=["POST"],
        pathPrefix=CUSTOMERS,
    )
    answered = client.post(status_url("c-00312", target), json={})
    assert answered.status_code == 504
    assert status_of(client, "c-00312") == target


def test_drop_applies_the_write_then_breaks_the_answer(
    client: GatewayClient, own_sandbox: RunningSandbox, faults: str
) -> None:
    _, target, then = change_for(client, "c-00320")
    put_rule(faults, mode="drop", methods=["POST"], pathPrefix=CUSTOMERS + "/update", count=1)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        client.post(status_url("c-00320", target), json={})
    assert status_of(client, "c-00320") == target
    assert requests.get(faults, timeout=5).json() == {"rules": []}
    # The same client goes on working: its pool opens a new connection.
    assert client.post(status_url("c-00320", then), json={}).status_code == 200


def test_drop_sends_the_headers_and_part_of_the_body_then_closes_the_socket(
    client: GatewayClient, own_sandbox: RunningSandbox, faults: str
) -> None:
    _, target, _ = change_for(client, "c-00321")
    put_rule(faults, mode="drop", methods=["POST"], pathPrefix=CUSTOMERS + "/update")
    received = raw_exchange(own_sandbox, raw_post(client, status_url("c-00321", target)))
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "HTTP/1.1 200 OK"
    length = int(next(line for line in lines if line.lower().startswith("content-length:"))[15:])
    assert 0 < len(body) < length  # cut off mid-body, then the server closed the connection
    assert status_of(client, "c-00321") == target


def test_drop_before_apply_closes_the_connection_without_handling_the_request(
    client: GatewayClient, own_sandbox: RunningSandbox, faults: str
) -> None:
    before, target, then = change_for(client, "c-00330")
    put_rule(faults, mode="dropBeforeApply", methods=["POST"], pathPrefix=CUSTOMERS)
    with pytest.raises(requests.exceptions.ConnectionError) as raised:
        client.post(status_url("c-00330", target), json={})
    assert not isinstance(raised.value, requests.exceptions.ConnectTimeout)
    assert "Connection aborted" in str(raised.value)
    assert raw_exchange(own_sandbox, raw_post(client, status_url("c-00330", then))) == b""
    assert status_of(client, "c-00330") == before


def test_a_dropped_reply_is_stored_with_its_author_text_and_time(
    client: GatewayClient, faults: str
) -> None:
    ticket = client.get(f"{FS}/tickets", user="alice").json()["tickets"][0]["id"]
    put_rule(faults, mode="drop", methods=["POST"], pathPrefix=f"{FS}/ticket/{ticket}/admin-")
    sent_at = client.get(f"{FS}/ticket/{ticket}").json()["updatedAt"]
    text = f"Reconcile me {time.monotonic_ns()}"
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        client.post(f"{FS}/ticket/{ticket}/admin-reply", json={"message": text}, user="alice")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        client.post(f"{FS}/ticket/{ticket}/admin-note", json={"note": text}, user="alice")
    replies = client.get(f"{FS}/ticket/{ticket}/replies").json()
    notes = client.get(f"{FS}/ticket/{ticket}/notes").json()
    stored = [r for r in replies if r["message"] == text] + [n for n in notes if n["note"] == text]
    assert [(item["authorId"], item["authorRole"]) for item in stored] == [
        ("u-alice", "ADMIN"),
        ("u-alice", "ADMIN"),
    ]
    assert all(item["createdAt"] > sent_at for item in stored)


def test_stats_count_faulted_requests_and_the_new_connection_after_a_drop(
    client: GatewayClient, own_sandbox: RunningSandbox, faults: str
) -> None:
    _, target, _ = change_for(client, "c-00340")
    headers = bearer(client)
    put_rule(faults, mode="drop", methods=["POST"], pathPrefix=CUSTOMERS, count=1)
    requests.delete(own_sandbox.url + "/_sandbox/stats", timeout=5)
    with requests.Session() as session:
        url = own_sandbox.url + status_url("c-00340", target)
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            session.post(url, json={}, headers=headers, timeout=5)
        assert session.post(url, json={}, headers=headers, timeout=5).status_code == 200
    stats = requests.get(own_sandbox.url + "/_sandbox/stats", timeout=5).json()
    assert stats == {"requests": 2, "connections": 2}


# ---- the gateway down -------------------------------------------------------------------------


def test_a_paused_gateway_refuses_connections_and_resumes_on_the_same_port(
    client: GatewayClient, own_sandbox: RunningSandbox, faults: str
) -> None:
    _, target, _ = change_for(client, "c-00350")  # the client's pool holds a live connection
    port = own_sandbox.port
    with own_sandbox.down():
        assert own_sandbox.paused
        with pytest.raises(requests.exceptions.ConnectionError) as raised:
            client.get(f"{CUSTOMERS}/c-00350")
        assert "refused" in str(raised.value).lower()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((own_sandbox.host, port), timeout=2).close()
    assert (own_sandbox.port, own_sandbox.paused) == (port, False)
    assert client.post(status_url("c-00350", target), json={}).status_code == 200
    assert status_of(client, "c-00350") == target
    own_sandbox.resume()  # resuming a running gateway changes nothing
    assert status_of(client, "c-00350") == target
