"""A failing gateway shows staff a banner with a request id, never a traceback."""

from __future__ import annotations

import re

import pytest

from tests.e2e.support import CUSTOMERS_PREFIX, SandboxFaults, StaffClient, row_ids

pytestmark = pytest.mark.e2e

UNAVAILABLE = "The gateway is unavailable."


def _banner_request_id(page: str) -> str:
    assert 'class="banner banner-error" role="alert"' in page
    match = re.search(r'<small class="request-id">Request id ([\w.-]+)</small>', page)
    assert match, "the error banner shows no request id"
    return match.group(1)


def _assert_no_traceback(page: str) -> None:
    for leak in ("Traceback", "File &quot;", "GatewayUnavailable", "requests.", "Internal sandbox"):
        assert leak not in page


def test_a_failing_gateway_shows_the_list_error_banner_with_a_request_id(
    bob: StaffClient, faults: SandboxFaults
) -> None:
    faults.put(pathPrefix=CUSTOMERS_PREFIX, errorRate=1.0)

    response = bob.get("/customers/?status=verified")

    assert response.status_code == 502
    assert UNAVAILABLE in response.text
    assert _banner_request_id(response.text) == response.headers["X-Request-ID"]
    assert '<a href="?status=verified">Try again</a>' in response.text
    assert "<tbody>" not in response.text
    _assert_no_traceback(response.text)


def test_the_request_id_a_proxy_sent_is_the_one_staff_see(
    bob: StaffClient, faults: SandboxFaults
) -> None:
    faults.put(pathPrefix=CUSTOMERS_PREFIX, errorRate=1.0)

    response = bob.get("/customers/", headers={"X-Request-ID": "proxy-req-0001"})

    assert response.status_code == 502
    assert _banner_request_id(response.text) == "proxy-req-0001"


def test_a_failing_gateway_shows_the_customer_page_error_with_a_request_id(
    bob: StaffClient, faults: SandboxFaults
) -> None:
    faults.put(pathPrefix=CUSTOMERS_PREFIX, errorRate=1.0)

    response = bob.get("/customers/c-00042/")

    assert response.status_code == 502
    assert "<h1>The gateway is unavailable</h1>" in response.text
    assert _banner_request_id(response.text) == response.headers["X-Request-ID"]
    _assert_no_traceback(response.text)


def test_a_failing_gateway_swaps_the_banner_into_the_list_for_htmx(
    bob: StaffClient, faults: SandboxFaults
) -> None:
    faults.put(pathPrefix=CUSTOMERS_PREFIX, errorRate=1.0, statusCode=500)

    response = bob.htmx_get("/customers/?page=2", current_url="/customers/")

    assert response.status_code == 502
    assert response.text.strip().startswith('<section id="customer-list"')
    assert UNAVAILABLE in response.text
    assert _banner_request_id(response.text) == response.headers["X-Request-ID"]
    _assert_no_traceback(response.text)


def test_the_list_comes_back_once_the_gateway_recovers(
    bob: StaffClient, faults: SandboxFaults
) -> None:
    faults.put(pathPrefix=CUSTOMERS_PREFIX, errorRate=1.0)
    assert bob.get("/customers/").status_code == 502

    faults.clear()
    response = bob.get("/customers/")

    assert response.status_code == 200
    assert len(row_ids(response.text)) == 25
