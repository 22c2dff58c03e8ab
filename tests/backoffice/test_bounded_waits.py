"""A slow gateway costs a page at most its deadline: shared by every call, no retry of a read
that timed out, concurrent reads abandoned at the first silence, and "busy" instead of a queue."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import responses
from django.test import Client

from backoffice import deadline
from backoffice.gateway import errors, paths
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.concurrent import read_concurrently
from backoffice.gateway.connection import gateway_client
from backoffice.gateway.in_flight import one_page
from tests.conftest import FAKE_GATEWAY, TENANT

AUTH = GatewayAuth(access_token="tok-123", tenant_id=TENANT, request_id="rid-bounded")
DETAIL_URL = FAKE_GATEWAY + "/customer/2.0.0/c-00001"
SEPA_URL = FAKE_GATEWAY + "/customer/2.0.0/c-00001/sepaId"
KYC_URL = FAKE_GATEWAY + "/customer/2.0.0/c-00001/kycConfirmation"
LIST_URL = FAKE_GATEWAY + "/customer/2.0.0/getByCustomerStatus/verified"


def read_detail() -> Any:
    return gateway_client().call(
        paths.CUSTOMER_DETAIL, auth=AUTH, path_params={"customer_id": "c-00001"}
    )


def read_sepa() -> Any:
    return gateway_client().call(
        paths.CUSTOMER_SEPA_ID, auth=AUTH, path_params={"customer_id": "c-00001"}
    )


@pytest.fixture
def released() -> Iterator[threading.Event]:
    """Set at the end of the test, so no blocked fake call outlives it."""
    event = threading.Event()
    yield event
    event.set()


def answer_when(
    event: threading.Event,
    body: str = '{"id": "c-00001"}',
    *,
    entered: threading.Event | None = None,
) -> Callable[..., Any]:
    """A fake gateway answer that waits for `event` (at most 5 s) before it comes back."""

    def callback(request: Any) -> tuple[int, dict[str, str], str]:
        if entered is not None:
            entered.set()
        event.wait(timeout=5)
        return 200, {"Content-Type": "application/json"}, body

    return callback


# ---- the deadline's arithmetic ---------------------------------------------------------------


def test_without_a_page_deadline_nothing_is_cut() -> None:
    assert deadline.time_left() is None
    assert deadline.bounded(7.0) == 7.0


def test_a_deadline_cuts_longer_waits_to_the_time_left() -> None:
    with deadline.gateway_deadline(2.0):
        left = deadline.time_left()
        assert left is not None and 1.9 < left <= 2.0
        assert 1.9 < deadline.bounded(10.0) <= 2.0
        assert deadline.bounded(0.5) == 0.5
    assert deadline.time_left() is None


def test_an_inner_deadline_never_outlasts_the_outer_one() -> None:
    with deadline.gateway_deadline(1.0), deadline.gateway_deadline(5.0):
        left = deadline.time_left()
        assert left is not None and left <= 1.0
    with deadline.gateway_deadline(5.0), deadline.gateway_deadline(1.0):
        left = deadline.time_left()
        assert left is not None and left <= 1.0


def test_a_spent_deadline_leaves_no_time() -> None:
    with deadline.gateway_deadline(0.01):
        time.sleep(0.02)
        left = deadline.time_left()
        assert left is not None and left < 0
        assert deadline.bounded(10.0) == 0.0


# ---- every call shares it ----------------------------------------------------------------------


def test_each_call_waits_at_most_what_the_page_has_left(
    gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.GATEWAY_CONNECT_TIMEOUT = 3.05
    settings.GATEWAY_READ_TIMEOUT = 10.0
    gateway.get(DETAIL_URL, json={"id": "c-00001"})
    with deadline.gateway_deadline(2.0):
        read_detail()
    connect, read = gateway.calls[0].request.req_kwargs["timeout"]
    assert 1.9 < connect <= 2.0
    assert 1.9 < read <= 2.0


def test_a_call_with_no_time_left_fails_at_once_without_being_sent(
    gateway: responses.RequestsMock,
) -> None:
    gateway.post(KYC_URL, json={"id": "c-00001"})
    with deadline.gateway_deadline(0.0), pytest.raises(errors.GatewayDeadlineExceeded) as caught:
        gateway_client().call(
            paths.CUSTOMER_KYC_CONFIRMATION,
            auth=AUTH,
            path_params={"customer_id": "c-00001"},
            json={"kycConfirmation": "confirmed"},
        )
    assert len(gateway.calls) == 0
    assert isinstance(caught.value, errors.GatewayTimeout)
    assert caught.value.outcome_unknown is False  # nothing was sent, so nothing happened
    assert caught.value.request_id == "rid-bounded"


def test_the_page_middleware_starts_the_deadline_for_every_call_of_the_page(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.GATEWAY_PAGE_DEADLINE = 1.5
    gateway.post(LIST_URL, json={"customers": [], "pagination": {"totalRecords": 0}})
    sign_in("bob").get("/customers/?status=verified")
    _, read = gateway.calls[0].request.req_kwargs["timeout"]
    assert 0 < read <= 1.5  # not the 10 s read timeout


# ---- retries -----------------------------------------------------------------------------------


def test_a_read_that_timed_out_is_not_retried(gateway: responses.RequestsMock) -> None:
    gateway.get(DETAIL_URL, body=requests.ReadTimeout("no answer in time"))
    gateway.get(DETAIL_URL, json={"id": "c-00001"})
    with pytest.raises(errors.GatewayTimeout):
        read_detail()
    assert len(gateway.calls) == 1


def test_a_failed_connect_is_retried_within_the_deadline(gateway: responses.RequestsMock) -> None:
    gateway.get(DETAIL_URL, body=requests.ConnectTimeout("no connection"))
    gateway.get(DETAIL_URL, status=503, json={"message": "restarting"})
    gateway.get(DETAIL_URL, json={"id": "c-00001"})
    with deadline.gateway_deadline(5.0):
        assert read_detail() == {"id": "c-00001"}
    assert len(gateway.calls) == 3


def test_a_gateway_timeout_answer_is_retried(gateway: responses.RequestsMock) -> None:
    gateway.get(DETAIL_URL, status=504, json={"message": "upstream slow"})
    gateway.get(DETAIL_URL, json={"id": "c-00001"})
    assert read_detail() == {"id": "c-00001"}
    assert len(gateway.calls) == 2


def test_no_retry_when_the_backoff_would_outlast_the_deadline(
    gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.GATEWAY_RETRY_BACKOFF = 1.0
    gateway_client.cache_clear()
    gateway.get(DETAIL_URL, body=requests.ConnectTimeout("no connection"))
    gateway.get(DETAIL_URL, json={"id": "c-00001"})
    started = time.monotonic()
    with deadline.gateway_deadline(0.5), pytest.raises(errors.GatewayUnavailable):
        read_detail()
    assert time.monotonic() - started < 0.5
    assert len(gateway.calls) == 1


# ---- concurrent reads ----------------------------------------------------------------------------


def test_concurrent_reads_stop_at_the_first_read_the_gateway_leaves_unanswered(
    gateway: responses.RequestsMock, released: threading.Event
) -> None:
    gateway.add_callback(responses.GET, DETAIL_URL, callback=answer_when(released))
    gateway.get(SEPA_URL, body=requests.ReadTimeout("no answer in time"))
    started = time.monotonic()
    outcomes = read_concurrently({"customer": read_detail, "sepa": read_sepa})
    assert time.monotonic() - started < 1.0  # not the 5 s the customer read would take
    assert isinstance(outcomes["sepa"].error, errors.GatewayTimeout)
    assert outcomes["customer"].error is outcomes["sepa"].error
    with pytest.raises(errors.GatewayTimeout):
        outcomes["customer"].unwrap()


def test_an_answered_error_leaves_the_other_reads_to_finish(
    gateway: responses.RequestsMock,
) -> None:
    gateway.get(DETAIL_URL, json={"id": "c-00001"})
    gateway.get(SEPA_URL, status=404, json={"message": "no SEPA id"})
    outcomes = read_concurrently({"customer": read_detail, "sepa": read_sepa})
    assert outcomes["customer"].unwrap() == {"id": "c-00001"}
    assert isinstance(outcomes["sepa"].error, errors.GatewayNotFound)


def test_concurrent_reads_end_at_the_page_deadline(
    gateway: responses.RequestsMock, released: threading.Event
) -> None:
    gateway.add_callback(responses.GET, DETAIL_URL, callback=answer_when(released))
    gateway.add_callback(responses.GET, SEPA_URL, callback=answer_when(released, "{}"))
    started = time.monotonic()
    with deadline.gateway_deadline(0.3):
        outcomes = read_concurrently({"customer": read_detail, "sepa": read_sepa})
    assert time.monotonic() - started < 1.0
    assert isinstance(outcomes["customer"].error, errors.GatewayTimeout)
    assert isinstance(outcomes["sepa"].error, errors.GatewayTimeout)


def test_concurrent_reads_run_under_the_callers_deadline(
    gateway: responses.RequestsMock,
) -> None:
    def seen_time_left() -> float | None:
        return deadline.time_left()

    with deadline.gateway_deadline(3.0):
        outcomes = read_concurrently({"a": seen_time_left, "b": seen_time_left})
    for outcome in outcomes.values():
        left = outcome.unwrap()
        assert left is not None and 2.5 < left <= 3.0


def test_concurrent_reads_keep_their_order_and_values(gateway: responses.RequestsMock) -> None:
    outcomes = read_concurrently({"b": lambda: 2, "a": lambda: 1})
    assert list(outcomes) == ["b", "a"]
    assert [o.unwrap() for o in outcomes.values()] == [2, 1]


# ---- the in-flight limit -----------------------------------------------------------------------


def test_a_page_finding_every_place_taken_is_told_busy_without_a_call(
    gateway: responses.RequestsMock, settings: Any, released: threading.Event
) -> None:
    settings.GATEWAY_MAX_IN_FLIGHT = 1
    gateway_client.cache_clear()
    holding = threading.Event()
    gateway.add_callback(responses.GET, DETAIL_URL, callback=answer_when(released, entered=holding))
    gateway.get(SEPA_URL, json={"sepaId": "x"})

    def other_page() -> None:
        with one_page():
            read_detail()

    holder = threading.Thread(target=other_page, daemon=True)
    holder.start()
    assert holding.wait(timeout=5)
    started = time.monotonic()
    with one_page(), pytest.raises(errors.GatewayBusy):
        read_sepa()
    assert time.monotonic() - started < 0.5
    assert len(gateway.calls) == 0  # the other page's call has not even answered yet
    released.set()
    holder.join(timeout=5)
    with one_page():
        assert read_sepa() == {"sepaId": "x"}  # the place is free again
    assert [call.request.url for call in gateway.calls] == [DETAIL_URL, SEPA_URL]


def test_a_pages_concurrent_reads_share_its_one_place(
    gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.GATEWAY_MAX_IN_FLIGHT = 1
    gateway_client.cache_clear()
    both_started = threading.Barrier(2, timeout=2)

    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        both_started.wait()  # proves the two reads were in flight together
        return 200, {}, "{}"

    gateway.add_callback(responses.GET, DETAIL_URL, callback=answer)
    gateway.add_callback(responses.GET, SEPA_URL, callback=answer)
    with one_page():
        outcomes = read_concurrently({"customer": read_detail, "sepa": read_sepa})
    assert [o.unwrap() for o in outcomes.values()] == [{}, {}]


def test_a_busy_page_answers_503_with_retry_after_through_the_error_funnel(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.GATEWAY_MAX_IN_FLIGHT = 0
    gateway_client.cache_clear()
    response = sign_in("bob").get("/customers/c-00001/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "The back office is busy" in response.content.decode()
    assert "Nothing was sent." in response.content.decode()
    assert len(gateway.calls) == 0


def test_a_full_connection_pool_is_waited_for_only_until_the_deadline(
    gateway: responses.RequestsMock, settings: Any, released: threading.Event
) -> None:
    settings.GATEWAY_POOL_SIZE = 1
    settings.GATEWAY_MAX_IN_FLIGHT = 4
    gateway_client.cache_clear()
    holding = threading.Event()
    gateway.add_callback(responses.GET, DETAIL_URL, callback=answer_when(released, entered=holding))
    holder = threading.Thread(target=read_detail, daemon=True)
    holder.start()
    assert holding.wait(timeout=5)
    started = time.monotonic()
    with deadline.gateway_deadline(0.3), pytest.raises(errors.GatewayBusy):
        read_sepa()
    assert 0.25 < time.monotonic() - started < 1.0
    released.set()
    holder.join(timeout=5)


def test_a_page_waits_for_a_place_that_frees_up_soon(
    gateway: responses.RequestsMock, settings: Any, released: threading.Event
) -> None:
    settings.GATEWAY_MAX_IN_FLIGHT = 1
    settings.GATEWAY_BUSY_WAIT = 2.0
    gateway_client.cache_clear()
    holding = threading.Event()
    gateway.add_callback(responses.GET, DETAIL_URL, callback=answer_when(released, entered=holding))
    gateway.get(SEPA_URL, json={"sepaId": "x"})
    holder = threading.Thread(target=read_detail, daemon=True)
    holder.start()
    assert holding.wait(timeout=5)
    threading.Timer(0.2, released.set).start()  # a gateway that is merely busy
    with one_page():
        assert read_sepa() == {"sepaId": "x"}
    holder.join(timeout=5)


def test_no_wait_for_a_place_when_every_place_has_waited_on_the_gateway_too_long(
    gateway: responses.RequestsMock, settings: Any, released: threading.Event
) -> None:
    settings.GATEWAY_MAX_IN_FLIGHT = 1
    settings.GATEWAY_BUSY_WAIT = 0.2
    gateway_client.cache_clear()
    holding = threading.Event()
    gateway.add_callback(responses.GET, DETAIL_URL, callback=answer_when(released, entered=holding))
    holder = threading.Thread(target=read_detail, daemon=True)
    holder.start()
    assert holding.wait(timeout=5)
    time.sleep(0.3)  # the holder has now waited longer than the busy wait: the gateway is slow
    started = time.monotonic()
    with one_page(), pytest.raises(errors.GatewayBusy):
        read_sepa()
    assert time.monotonic() - started < 0.05
    released.set()
    holder.join(timeout=5)


def test_abandoned_reads_make_no_further_call(
    gateway: responses.RequestsMock, settings: Any, released: threading.Event
) -> None:
    settings.GATEWAY_READ_RETRIES = 5
    gateway_client.cache_clear()
    gateway.get(SEPA_URL, body=requests.ReadTimeout("no answer in time"))
    gateway.get(DETAIL_URL, body=requests.ConnectTimeout("no connection"))
    second_read_started = threading.Event()

    def slow_then_read() -> Any:
        released.wait(timeout=5)
        second_read_started.set()
        return read_detail()

    outcomes = read_concurrently({"sepa": read_sepa, "customer": slow_then_read})
    assert isinstance(outcomes["customer"].error, errors.GatewayTimeout)
    released.set()
    assert second_read_started.wait(timeout=5)
    time.sleep(0.2)
    assert [call.request.url for call in gateway.calls] == [SEPA_URL]
