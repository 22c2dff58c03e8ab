"""The fault helpers the end-to-end tests use: each puts the rule it promises, and the sandbox
then applies the write or not, answers late or drops the connection, or is down."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests

from sandbox.server import RunningSandbox
from tests.e2e.support import (
    CUSTOMERS_PREFIX,
    WRITES,
    SandboxFaults,
    StaffClient,
    gateway_call,
    raw_customer,
)

pytestmark = pytest.mark.e2e


def rule(prefix: str | None, mode: str, **changes: object) -> dict[str, object]:
    return {
        "latencyMs": 0,
        "jitterMs": 0,
        "errorRate": 0.0,
        "pathPrefix": prefix,
        "statusCode": 503,
        "mode": mode,
        "methods": None,
        "count": None,
        **changes,
    }


def test_each_helper_puts_the_rule_it_names(faults: SandboxFaults) -> None:
    faults.fail("/a", status_code=504, methods=WRITES, count=2)
    faults.delay("/b", latency_ms=30)
    faults.apply_then_delay("/c", latency_ms=4000, methods=["POST"])
    faults.drop("/d", count=1)
    faults.drop_before_apply("/e", methods=["PUT"])
    assert faults.rules() == [
        rule(
            "/a",
            "delay",
            errorRate=1.0,
            statusCode=504,
            methods=sorted(WRITES),
            count=2,
        ),
        rule("/b", "delay", latencyMs=30),
        rule("/c", "applyThenDelay", latencyMs=4000, methods=["POST"]),
        rule("/d", "drop", count=1),
        rule("/e", "dropBeforeApply", methods=["PUT"]),
    ]
    faults.clear()
    assert faults.rules() == []


def test_a_dropped_write_is_applied_and_one_dropped_before_applying_is_not(
    own_sandbox: Callable[..., RunningSandbox],
) -> None:
    running = own_sandbox()
    faults = SandboxFaults(running)
    path = f"{CUSTOMERS_PREFIX}/update/c-00500/status"
    before = raw_customer(running, "c-00500")["customerStatus"]
    first, second = [s for s in ("dispute", "on_hold", "under_investigation") if s != before][:2]

    faults.drop(CUSTOMERS_PREFIX, methods=WRITES, count=1)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        gateway_call(running, "POST", f"{path}/{first}", json={})
    assert raw_customer(running, "c-00500")["customerStatus"] == first

    faults.drop_before_apply(CUSTOMERS_PREFIX, methods=WRITES, count=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        gateway_call(running, "POST", f"{path}/{second}", json={})
    assert raw_customer(running, "c-00500")["customerStatus"] == first
    assert faults.rules() == []


def test_the_app_says_the_gateway_is_unavailable_while_it_is_down(
    bob: StaffClient, faults: SandboxFaults
) -> None:
    assert bob.get("/customers/").status_code == 200
    with faults.down():
        response = bob.get("/customers/")
        assert response.status_code == 502
        assert "The gateway is unavailable." in response.text
    assert bob.get("/customers/").status_code == 200
