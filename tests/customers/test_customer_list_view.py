"""The customer list: which gateway list it asks for, and what staff see, page or fragment."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.test import Client

from tests.conftest import FAKE_GATEWAY, TENANT

TOKEN = FAKE_GATEWAY + "/api/v2/auth/token"

CUSTOMERS = FAKE_GATEWAY + "/customer/2.0.0"
ALL_OF_TENANT = CUSTOMERS + "/getAllByTenantId"
BOB_TOKEN = "access-u-bob-secret"
HTMX = {"HX-Request": "true"}
EN_DASH = "\u2013"

PIN_CODE = "pin-5531-never-shown"
PASSWORD = "pw-Tr0ub4dor-never-shown"
SECRET_ANSWER = "answer-Rex-the-dog-never-shown"
TARGET_CODE = "target-code-804412"
INPUT_CODE = "input-code-804413"
SECRETS = (PIN_CODE, PASSWORD, SECRET_ANSWER, TARGET_CODE, INPUT_CODE)


def customer_json(number: int = 42, **overrides: Any) -> dict[str, Any]:
    """One customer as the gateway lists it, secret fields and all."""
    customer: dict[str, Any] = {
        "id": f"c-{number:05d}",
        "customerType": "Person",
        "customerName": f"Customer Number{number}",
        "customerStatus": "verified",
        "categorization": "category1",
        "organizationId": "org-003",
        "created": "2024-03-05T09:30:00Z",
        "notifications": [{"notificationType": "Marketingemails", "isEnabled": True}],
        "person": {
            "firstName": {"name": "Customer", "native": "Клиент", "language": "ru"},
            "lastName": {"name": f"Number{number}", "native": "Жуков", "language": "ru"},
            "fullName": f"Customer Number{number}",
            "gender": "Female",
            "dateOfBirth": "1990-04-12",
            "email": f"customer{number}@example.com",
            "pinCode": PIN_CODE,
            "password": PASSWORD,
            "SecretQuestion": [{"question": "First pet?", "answer": SECRET_ANSWER}],
        },
        "twofa": {
            "targetType": "SMS",
            "targetValue": "+37120000000",
            "targetCode": TARGET_CODE,
            "inputCode": INPUT_CODE,
            "codematch": True,
        },
    }
    customer.update(overrides)
    return customer


def page_json(
    customers: list[dict[str, Any]], *, total: int | None = None, current: int = 1, pages: int = 1
) -> dict[str, Any]:
    return {
        "customers": customers,
        "pagination": {
            "numberOfPage": pages,
            "totalSize": len(customers) if total is None else total,
            "currentPage": current,
        },
    }


def sent_json(call: responses.Call) -> Any:
    return json.loads(call.request.body)


def assert_sent_as_bob(call: responses.Call) -> None:
    assert call.request.headers["Authorization"] == f"Bearer {BOB_TOKEN}"
    assert call.request.headers["tenantId"] == TENANT


def html(response: Any) -> str:
    return response.content.decode()


def one_tag(pattern: str, text: str) -> str:
    found = re.findall(pattern, text)
    assert len(found) == 1, f"expected one match for {pattern!r}, found {found}"
    return found[0]


@pytest.fixture
def bob(sign_in: Callable[..., Client]) -> Client:
    return sign_in("bob")


# Sign-in


def test_it_sends_an_anonymous_visitor_to_sign_in_and_back(
    client: Client, gateway: responses.RequestsMock
) -> None:
    response = client.get("/customers/?status=verified&page=2")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/login/"
    assert parse_qs(location.query) == {"next": ["/customers/?status=verified&page=2"]}
    assert len(gateway.calls) == 0


def test_it_tells_htmx_to_reload_the_whole_page_at_sign_in_when_anonymous(
    client: Client, gateway: responses.RequestsMock
) -> None:
    response = client.get(
        "/customers/?status=verified",
        headers={**HTMX, "HX-Current-URL": "http://testserver/customers/?type=Person"},
    )
    location = urlsplit(response["HX-Redirect"])
    assert location.path == "/login/"
    assert parse_qs(location.query) == {"next": ["/customers/?type=Person"]}
    assert 'name="password"' not in html(response)
    assert "Location" not in response
    assert len(gateway.calls) == 0


# What is sent to the gateway


@pytest.mark.parametrize(
    ("query", "path", "body"),
    [
        (
            "status=under_verificaiton&page=2",
            "/getByCustomerStatus/under_verificaiton",
            {
                "type": "",
                "created": "",
                "status": "under_verificaiton",
                "pageNumber": 2,
                "pageSize": 25,
            },
        ),
        (
            "",
            "/getAllByTenantId",
            {"type": "", "created": "", "status": "", "pageNumber": 1, "pageSize": 25},
        ),
        (
            "type=Person",
            "/getByCustomerType/Person",
            {"type": "Person", "created": "", "status": "", "pageNumber": 1, "pageSize": 25},
        ),
        (
            "organization=org-003",
            "/getByOrganization/org-003",
            {"type": "", "created": "", "status": "", "pageNumber": 1, "pageSize": 25},
        ),
        (
            "organization=org-003&status=verified&type=Person",
            "/getByOrganization/org-003",
            {
                "type": "Person",
                "created": "",
                "status": "verified",
                "pageNumber": 1,
                "pageSize": 25,
            },
        ),
        (
            "created_since=2024-01-15",
            "/getAllByTenantId",
            {"type": "", "created": "2024-01-15", "status": "", "pageNumber": 1, "pageSize": 25},
        ),
        (
            "page_size=50",
            "/getAllByTenantId",
            {"type": "", "created": "", "status": "", "pageNumber": 1, "pageSize": 50},
        ),
        (
            "status=bancrupted&type=Organization&created_since=2023-12-31&page=3&page_size=100",
            "/getByCustomerStatus/bancrupted",
            {
                "type": "Organization",
                "created": "2023-12-31",
                "status": "bancrupted",
                "pageNumber": 3,
                "pageSize": 100,
            },
        ),
    ],
)
def test_it_asks_the_gateway_list_that_narrows_the_most(
    bob: Client,
    gateway: responses.RequestsMock,
    query: str,
    path: str,
    body: dict[str, Any],
) -> None:
    gateway.post(CUSTOMERS + path, json=page_json([customer_json()]))
    response = bob.get("/customers/?" + query)
    assert response.status_code == 200
    assert len(gateway.calls) == 1
    call = gateway.calls[0]
    assert call.request.method == "POST"
    assert call.request.url == CUSTOMERS + path
    assert_sent_as_bob(call)
    assert sent_json(call) == body
    assert "Customer Number42" in html(response)


def test_it_sends_the_page_request_id_to_the_gateway(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(ALL_OF_TENANT, json=page_json([]))
    response = bob.get("/customers/", headers={"X-Request-ID": "edge-req-00000001"})
    assert gateway.calls[0].request.headers["X-Request-ID"] == "edge-req-00000001"
    assert response["X-Request-ID"] == "edge-req-00000001"


# Full page or fragment


def test_it_renders_the_whole_page_for_a_normal_request(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(ALL_OF_TENANT, json=page_json([customer_json()]))
    response = bob.get("/customers/")
    page = html(response)
    assert response.status_code == 200
    assert page.lstrip().startswith("<!doctype html>")
    assert "<html" in page
    assert '<header class="topbar">' in page
    assert "Bob Compliance" in page
    assert '<nav class="tabs" aria-label="Customer status">' in page
    assert '<section id="customer-list"' in page
    assert "HX-Push-Url" not in response


def test_it_renders_only_the_list_fragment_for_htmx(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(ALL_OF_TENANT, json=page_json([customer_json()]))
    response = bob.get("/customers/", headers=HTMX)
    fragment = html(response)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<section id="customer-list"')
    assert "<html" not in fragment
    assert "topbar" not in fragment
    assert '<nav class="tabs"' in fragment
    assert "Customer Number42" in fragment


def test_it_renders_the_whole_page_when_htmx_restores_history(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(ALL_OF_TENANT, json=page_json([customer_json()]))
    response = bob.get("/customers/", headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert "<html" in html(response)
    assert '<header class="topbar">' in html(response)


@pytest.mark.parametrize(
    ("query", "pushed"),
    [
        (
            "status=verified&type=&organization=&created_since=&page=1&page_size=25",
            "/customers/?status=verified",
        ),
        ("status=&type=&organization=&created_since=&page=1&page_size=25", "/customers/"),
        (
            "status=&type=Person&organization=&created_since=2024-01-15&page=2&page_size=50",
            "/customers/?type=Person&created_since=2024-01-15&page=2&page_size=50",
        ),
        ("organization=+org-003+&page_size=25", "/customers/?organization=org-003"),
    ],
)
def test_it_pushes_the_canonical_url_without_defaults_for_htmx(
    bob: Client, gateway: responses.RequestsMock, query: str, pushed: str
) -> None:
    gateway.add(responses.POST, re.compile(re.escape(CUSTOMERS) + "/.*"), json=page_json([]))
    response = bob.get("/customers/?" + query, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Push-Url"] == pushed


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_it_tells_caches_the_answer_varies_with_hx_request(
    bob: Client, gateway: responses.RequestsMock, headers: dict[str, str]
) -> None:
    gateway.post(ALL_OF_TENANT, json=page_json([]))
    response = bob.get("/customers/", headers=headers)
    varies = [name.strip().lower() for name in response["Vary"].split(",")]
    assert "hx-request" in varies


# What is shown


@pytest.mark.parametrize(
    ("status", "label", "tone"),
    [
        ("under_verificaiton", "Under verification", "teal"),
        ("bancrupted", "Bankrupt", "dark"),
        ("on_hold", "On hold", "warning"),
    ],
)
def test_it_shows_the_readable_status_label_not_the_gateway_spelling(
    bob: Client, gateway: responses.RequestsMock, status: str, label: str, tone: str
) -> None:
    gateway.post(
        CUSTOMERS + f"/getByCustomerStatus/{status}",
        json=page_json([customer_json(customerStatus=status)]),
    )
    page = html(bob.get(f"/customers/?status={status}"))
    assert f'<span class="badge tone-{tone}">{label}</span>' in page
    assert f">{status}<" not in page


def test_it_shows_an_unknown_status_with_its_raw_spelling(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(ALL_OF_TENANT, json=page_json([customer_json(customerStatus="frozen")]))
    page = html(bob.get("/customers/"))
    assert '<span class="badge tone-neutral">frozen</span>' in page


def test_it_shows_each_customer_row_with_a_link_to_the_customer(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(ALL_OF_TENANT, json=page_json([customer_json(7), customer_json(8)]))
    page = html(bob.get("/customers/"))
    assert '<a href="/customers/c-00007/">Customer Number7</a>' in page
    assert '<a href="/customers/c-00008/">Customer Number8</a>' in page
    assert '<span class="native" lang="und-Cyrl">Клиент Жуков</span>' in page
    assert "customer8@example.com" in page
    assert "2 customers" in page


def test_it_shows_the_range_and_links_to_both_neighbouring_pages(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    customers = [customer_json(n, customerStatus="under_verificaiton") for n in range(26, 51)]
    gateway.post(
        CUSTOMERS + "/getByCustomerStatus/under_verificaiton",
        json=page_json(customers, total=60, current=2, pages=3),
    )
    page = html(bob.get("/customers/?status=under_verificaiton&page=2"))
    assert f'<span class="range">26{EN_DASH}50 of 60</span>' in page
    assert "Page 2 of 3" in page
    previous = one_tag(r'<a rel="prev"[^>]*>', page)
    assert 'href="?status=under_verificaiton"' in previous
    assert 'hx-get="?status=under_verificaiton"' in previous
    assert 'hx-push-url="true"' in previous
    following = one_tag(r'<a rel="next"[^>]*>', page)
    assert 'href="?status=under_verificaiton&amp;page=3"' in following
    assert 'hx-get="?status=under_verificaiton&amp;page=3"' in following
    assert 'hx-target="#customer-list"' in following


def test_it_offers_no_previous_link_on_the_first_page_nor_next_on_the_last(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(ALL_OF_TENANT, json=page_json([customer_json(1)], total=1, pages=1))
    page = html(bob.get("/customers/"))
    assert f'<span class="range">1{EN_DASH}1 of 1</span>' in page
    assert 'rel="prev"' not in page
    assert 'rel="next"' not in page
    assert '<span class="disabled">← Previous</span>' in page
    assert '<span class="disabled">Next →</span>' in page


def test_it_marks_the_active_status_tab_as_the_current_page(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(CUSTOMERS + "/getByCustomerStatus/bancrupted", json=page_json([]))
    page = html(bob.get("/customers/?status=bancrupted&type=Person"))
    tabs = one_tag(r'(?s)<nav class="tabs".*?</nav>', page)
    links = re.findall(r"<a ([^>]*)>([^<]*)</a>", tabs)
    current = [label for attributes, label in links if 'aria-current="page"' in attributes]
    assert current == ["Bankrupt"]
    all_tab = next(attributes for attributes, label in links if label == "All")
    assert 'href="?type=Person"' in all_tab
    assert 'hx-get="?type=Person"' in all_tab


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=deleted", "deleted is not one of the available choices"),
        ("type=Robot", "Robot is not one of the available choices"),
        ("organization=..%2Fadmin", "That is not a valid id."),
        ("created_since=yesterday", "Enter a valid date."),
        ("page=0", "Ensure this value is greater than or equal to 1."),
        ("page_size=33", "33 is not one of the available choices"),
    ],
)
def test_it_refuses_invalid_filters_without_asking_the_gateway(
    bob: Client, gateway: responses.RequestsMock, query: str, message: str
) -> None:
    response = bob.get("/customers/?" + query)
    assert response.status_code == 400
    assert "Some filters are not valid." in html(response)
    assert message in html(response)
    assert '<a href="/customers/">Clear all filters</a>' in html(response)
    assert len(gateway.calls) == 0


def test_it_refuses_an_invalid_filter_in_a_fragment_too(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    response = bob.get("/customers/?status=deleted", headers=HTMX)
    assert response.status_code == 400
    assert "<html" not in html(response)
    assert "Some filters are not valid." in html(response)
    assert len(gateway.calls) == 0


def test_it_explains_an_empty_result_and_offers_all_customers(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(CUSTOMERS + "/getByCustomerStatus/blacklisted", json=page_json([], total=0))
    page = html(bob.get("/customers/?status=blacklisted&type=Person"))
    assert "No customers with status Blacklisted of type Person." in page
    show_all = one_tag(r"<a [^>]*>Show all customers</a>", page)
    assert 'href="/customers/"' in show_all
    assert 'hx-get="/customers/"' in show_all
    assert "<table" not in page


def test_it_says_when_a_page_is_past_the_end(bob: Client, gateway: responses.RequestsMock) -> None:
    gateway.post(ALL_OF_TENANT, json=page_json([], total=30, current=4, pages=2))
    page = html(bob.get("/customers/?page=4"))
    assert "There is no page 4 for these filters." in page
    assert "Show all customers" in page


# When the gateway fails


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["full page", "fragment"])
def test_it_shows_a_gateway_failure_as_a_banner_with_the_request_id(
    bob: Client, gateway: responses.RequestsMock, headers: dict[str, str]
) -> None:
    gateway.post(
        ALL_OF_TENANT,
        status=500,
        json={"status": 500, "error": "Internal Server Error", "message": "Database is down"},
    )
    response = bob.get("/customers/", headers=headers)
    page = html(response)
    assert response.status_code == 502
    request_ids = {call.request.headers["X-Request-ID"] for call in gateway.calls}
    assert len(request_ids) == 1
    request_id = request_ids.pop()
    assert response["X-Request-ID"] == request_id
    banner = one_tag(r'(?s)<div class="banner banner-error" role="alert">.*?</div>', page)
    assert "The gateway is unavailable." in banner
    assert "Database is down" in banner
    assert f"Request id {request_id}" in banner
    assert "Traceback" not in page
    assert ('<header class="topbar">' in page) is not bool(headers)
    assert ("<html" in page) is not bool(headers)


@pytest.mark.parametrize(
    "body",
    [{"pagination": {"totalSize": 0}}, {"customers": [{"customerName": "no id"}]}],
    ids=["no customers array", "row without id"],
)
def test_it_shows_an_unreadable_gateway_answer_as_a_banner(
    bob: Client, gateway: responses.RequestsMock, body: dict[str, Any]
) -> None:
    gateway.post(ALL_OF_TENANT, json=body)
    response = bob.get("/customers/")
    assert response.status_code == 502
    assert "The gateway sent an answer we could not read." in html(response)
    assert "<table" not in html(response)
    assert "Traceback" not in html(response)


def test_it_shows_the_request_id_for_an_unreadable_gateway_answer(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(ALL_OF_TENANT, json={"pagination": {"totalSize": 0}})
    response = bob.get("/customers/")
    assert response.status_code == 502
    assert f"Request id {response['X-Request-ID']}" in html(response)


def test_it_survives_garbage_pagination(bob: Client, gateway: responses.RequestsMock) -> None:
    gateway.post(
        ALL_OF_TENANT, json={"customers": [customer_json(1)], "pagination": {"totalSize": "lots"}}
    )
    response = bob.get("/customers/")
    assert response.status_code in (200, 502)


def test_it_survives_a_customer_id_it_cannot_link_to(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(ALL_OF_TENANT, json=page_json([customer_json(1, id="c 00001/x")]))
    response = bob.get("/customers/")
    assert response.status_code in (200, 502)


def test_it_signs_out_and_sends_to_sign_in_when_the_gateway_ends_the_session(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(
        CUSTOMERS + "/getByCustomerStatus/verified",
        status=401,
        json={"status": 401, "error": "Unauthorized", "message": "Token revoked"},
    )
    gateway.post(TOKEN, status=401, json={"status": 401, "message": "Refresh token revoked"})
    response = bob.get("/customers/?status=verified")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/login/"
    assert parse_qs(location.query) == {"next": ["/customers/?status=verified"]}
    assert "_auth_user_id" not in bob.session
    again = bob.get("/customers/")
    assert again.status_code == 302
    assert urlsplit(again["Location"]).path == "/login/"
    assert len(gateway.calls) == 2  # the list, then one refused refresh


def test_it_sends_htmx_to_sign_in_when_the_gateway_ends_the_session(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(ALL_OF_TENANT, status=401, json={"status": 401, "message": "Token expired"})
    gateway.post(TOKEN, status=401, json={"status": 401, "message": "Refresh token expired"})
    response = bob.get(
        "/customers/", headers={**HTMX, "HX-Current-URL": "http://testserver/customers/?page=2"}
    )
    assert parse_qs(urlsplit(response["HX-Redirect"]).query) == {"next": ["/customers/?page=2"]}
    assert 'name="password"' not in html(response)
    assert "_auth_user_id" not in bob.session


# What is never shown


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["full page", "fragment"])
def test_it_never_shows_a_secret_field(
    bob: Client, gateway: responses.RequestsMock, headers: dict[str, str]
) -> None:
    gateway.post(ALL_OF_TENANT, json=page_json([customer_json(1), customer_json(2)]))
    page = html(bob.get("/customers/", headers=headers))
    assert "Customer Number1" in page
    for secret in SECRETS:
        assert secret not in page


def test_it_escapes_markup_in_customer_data(bob: Client, gateway: responses.RequestsMock) -> None:
    gateway.post(
        ALL_OF_TENANT,
        json=page_json(
            [
                customer_json(
                    1,
                    customerName='<script>alert("xss")</script>',
                    organizationId="<img src=x onerror=alert(1)>",
                )
            ]
        ),
    )
    page = html(bob.get("/customers/"))
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in page
    assert '<script>alert("xss")' not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<img src=x" not in page
