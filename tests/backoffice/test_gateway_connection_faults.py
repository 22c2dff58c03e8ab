"""Every way a connection can fail becomes a typed gateway error that says whether a write may
have been acted on: refused (nothing sent) versus dropped mid-answer or timed out (unknown)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from backoffice.gateway import errors, paths
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.connection import gateway_client

AUTH = GatewayAuth("access-token", "finhub-demo", "req-fault")


def _serve_once(answer: Callable[[socket.socket], None]) -> Iterator[str]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def handle() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            answer(conn)

    thread = threading.Thread(target=handle, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    thread.join(timeout=5)
    listener.close()


@pytest.fixture
def gateway_at(settings):  # type: ignore[no-untyped-def]
    def point(url: str) -> None:
        settings.GATEWAY_URL = url
        settings.GATEWAY_READ_TIMEOUT = 0.5
        settings.GATEWAY_RETRY_BACKOFF = 0
        gateway_client.cache_clear()

    return point


def _write() -> None:
    gateway_client().call(
        paths.CUSTOMER_KYC_CONFIRMATION,
        auth=AUTH,
        path_params={"customer_id": "c-00001"},
        json={"kycConfirmation": "pending"},
    )


def test_a_refused_connection_means_nothing_was_sent(gateway_at) -> None:  # type: ignore[no-untyped-def]
    unused = socket.socket()
    unused.bind(("127.0.0.1", 0))
    port = unused.getsockname()[1]
    unused.close()
    gateway_at(f"http://127.0.0.1:{port}")
    with pytest.raises(errors.GatewayUnavailable) as caught:
        _write()
    assert type(caught.value) is errors.GatewayUnavailable
    assert caught.value.outcome_unknown is False


def test_a_connection_dropped_mid_answer_is_outcome_unknown(gateway_at) -> None:  # type: ignore[no-untyped-def]
    def half_answer(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b'Transfer-Encoding: chunked\r\n\r\n5\r\n{"id"\r\n'
        )

    for url in _serve_once(half_answer):
        gateway_at(url)
        with pytest.raises(errors.GatewayConnectionLost) as caught:
            _write()
    assert caught.value.outcome_unknown is True
    assert caught.value.request_id == "req-fault"


def test_a_connection_closed_without_an_answer_is_outcome_unknown(gateway_at) -> None:  # type: ignore[no-untyped-def]
    for url in _serve_once(lambda conn: None):
        gateway_at(url)
        with pytest.raises(errors.GatewayConnectionLost) as caught:
            _write()
    assert caught.value.outcome_unknown is True


def test_a_read_timeout_is_outcome_unknown(gateway_at) -> None:  # type: ignore[no-untyped-def]
    released = threading.Event()
    for url in _serve_once(lambda conn: released.wait(3)):
        gateway_at(url)
        with pytest.raises(errors.GatewayTimeout) as caught:
            _write()
        released.set()
    assert caught.value.outcome_unknown is True
