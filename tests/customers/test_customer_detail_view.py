"""The customer page: three gateway reads at once, every section shown, secrets never."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import responses
from django.test import Client

from tests.conftest import FAKE_GATEWAY, TENANT

CUSTOMERS = FAKE_GATEWAY + "/customer/2.0.0"
CUSTOMER_ID = "c-00042"
DETAIL = f"{CUSTOMERS}/{CUSTOMER_ID}"
DOCUMENTS = DETAIL + "/documents"
SEPA = DETAIL + "/sepaId"
STAFF_USERS = FAKE_GATEWAY + "/api/v2/users"
STAFF = [
    {"id": "u-alice", "username": "alice", "name": "Alice Admin", "roles": ["ADMIN"]},
    {"id": "u-erin", "username": "erin", "name": "Erin Compliance", "roles": ["COMPLIANCE"]},
]
BOB_TOKEN = "access-u-bob-secret"

PIN_CODE = "pin-5531-never-shown"
PASSWORD = "pw-Tr0ub4dor-never-shown"
SECRET_ANSWER = "answer-Rex-the-dog-never-shown"
TARGET_CODE = "target-code-804412"
INPUT_CODE = "input-code-804413"
SECRETS = (PIN_CODE, PASSWORD, SECRET_ANSWER, TARGET_CODE, INPUT_CODE)


def name_json(name: str, native: str = "", **extra: Any) -> dict[str, Any]:
    return {"name": name, "native": native or name, "language": "bg", "order": 1, **extra}


def document_json(**overrides: Any) -> dict[str, Any]:
    document = {
        "purpose": "KYC",
        "name": "passport-scan.pdf",
        "documentType": "Passport",
        "location": "s3://docs/c-00042/passport-scan.pdf",
        "verificationResponse": "MRZ readable",
        "status": "verified",
        "metadata": [{"name": "documentNumber", "type": "String", "value": "BG7712345"}],
    }
    document.update(overrides)
    return document


def customer_json(customer_id: str = CUSTOMER_ID, **overrides: Any) -> dict[str, Any]:
    """A customer detail as the gateway answers it, secret fields included."""
    customer: dict[str, Any] = {
        "id": customer_id,
        "customerType": "Person",
        "customerName": "Ivan Petrov",
        "customerStatus": "under_verificaiton",
        "categorization": "category2",
        "organizationId": "org-003",
        "created": "2024-03-05T09:30:00Z",
        "updated": "2024-06-01T12:00:00.123Z",
        "notifications": [
            {"notificationType": "Marketingemails", "isEnabled": False},
            {"notificationType": "Securityalerts", "isEnabled": True},
        ],
        "person": {
            "firstName": name_json("Ivan", "Иван"),
            "lastName": name_json("Petrov", "Петров"),
            "fullName": "Ivan Petrov",
            "groupId": "g-1",
            "gender": "Male",
            "dateOfBirth": "1985-11-02",
            "placeOfBirth": "Plovdiv",
            "nationality": "BG",
            "pinCode": PIN_CODE,
            "password": PASSWORD,
            "email": "ivan.petrov@example.bg",
            "telephoneNumbers": [
                {
                    "phoneType": "mobile",
                    "operator": "A1",
                    "encoding": "numbers",
                    "country": "BG",
                    "number": "+359888123456",
                    "purpose": "personal",
                },
                {"phoneType": "fixed", "number": "+35932654321", "country": "BG"},
            ],
            "addresses": [
                {
                    "addressPurpose": "home",
                    "address": {
                        "country": "BG",
                        "area": "Plovdiv Province",
                        "zipCode": "4000",
                        "city": "Plovdiv",
                        "street": "Glavna",
                        "streetNumber": ["12", "A"],
                        "building": "B",
                        "apartment": "7",
                        "floor": "3",
                        "geoPosition": {"latitude": 42.1354, "longitude": 24.7453},
                    },
                }
            ],
            "documents": [],
            "SecretQuestion": [{"question": "First pet?", "answer": SECRET_ANSWER}],
        },
        "twofa": {
            "targetType": "SMS",
            "targetValue": "+359888123456",
            "targetCode": TARGET_CODE,
            "inputCode": INPUT_CODE,
            "codematch": True,
        },
        "kycConfirmation": {
            "status": "confirmed",
            "comment": "ID checked against registry",
            "by": "u-erin",
            "at": "2024-05-02T08:15:00Z",
        },
        "pepCheckStatus": {"status": "clear", "comment": "No hits", "by": "u-bob", "at": None},
        "revisions": [
            {
                "number": 1,
                "comment": "Corrected the place of birth",
                "changes": {"person.placeOfBirth": "Plovdiv"},
                "by": "u-alice",
                "at": "2024-04-01T10:00:00Z",
            }
        ],
    }
    customer.update(overrides)
    return customer


def documents_json(*documents: dict[str, Any]) -> dict[str, Any]:
    return {"documents": list(documents)}


def register_profile(
    gateway: responses.RequestsMock,
    *,
    customer: dict[str, Any] | None = None,
    documents: dict[str, Any] | None = None,
    sepa: dict[str, Any] | None = None,
) -> None:
    gateway.get(DETAIL, json=customer_json() if customer is None else customer)
    gateway.get(
        DOCUMENTS,
        json=documents_json(
            document_json(),
            document_json(name="id-front.jpg", documentType="ID front side", status="rejected"),
            document_json(name="selfie.jpg", documentType="Selfie", status="underverification"),
        )
        if documents is None
        else documents,
    )
    gateway.get(SEPA, json={"sepaId": "FH0042BG"} if sepa is None else sepa)
    gateway.get(STAFF_USERS, json=STAFF)


def html(response: Any) -> str:
    return response.content.decode()


def section(page: str, heading_id: str) -> str:
    found = re.findall(rf'(?s)<section aria-labelledby="{heading_id}".*?</section>', page)
    assert len(found) == 1, f"expected one section {heading_id}"
    return found[0]


@pytest.fixture
def bob(sign_in: Callable[..., Client]) -> Client:
    return sign_in("bob")


# What is read


def test_it_reads_the_detail_the_documents_the_sepa_id_and_the_staff_names(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway)
    response = bob.get(f"/customers/{CUSTOMER_ID}/")
    assert response.status_code == 200
    assert sorted(call.request.url for call in gateway.calls) == sorted(
        [DETAIL, DOCUMENTS, SEPA, STAFF_USERS]
    )
    for call in gateway.calls:
        assert call.request.method == "GET"
        assert call.request.headers["Authorization"] == f"Bearer {BOB_TOKEN}"
        assert call.request.headers["tenantId"] == TENANT
        assert call.request.headers["X-Request-ID"] == response["X-Request-ID"]
        assert call.request.body is None


def test_it_makes_the_three_reads_at_the_same_time(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    def slowly(body: dict[str, Any]) -> Callable[[requests.PreparedRequest], Any]:
        def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
            time.sleep(0.3)
            return 200, {"Content-Type": "application/json"}, json.dumps(body)

        return answer

    gateway.add_callback(responses.GET, DETAIL, callback=slowly(customer_json()))
    gateway.add_callback(responses.GET, DOCUMENTS, callback=slowly(documents_json()))
    gateway.add_callback(responses.GET, SEPA, callback=slowly({"sepaId": "FH0042BG"}))
    gateway.add_callback(responses.GET, STAFF_USERS, callback=slowly(STAFF))
    started = time.perf_counter()
    response = bob.get(f"/customers/{CUSTOMER_ID}/")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert len(gateway.calls) == 4
    assert elapsed < 1.0, f"the four 0.3 s reads took {elapsed:.2f} s together (1.2 s in turn)"


# What is shown


def test_it_shows_the_names_in_latin_and_in_native_script(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway)
    page = html(bob.get(f"/customers/{CUSTOMER_ID}/"))
    heading = re.search(r"(?s)<h1>.*?</h1>", page)
    assert heading is not None
    assert (
        heading.group(0)
        == '<h1>Ivan Petrov <span class="native" lang="und-Cyrl">Иван Петров</span></h1>'
    )
    person = section(page, "h-person")
    assert '<dd>Ivan <span class="native" lang="und-Cyrl">Иван</span></dd>' in person
    assert '<dd>Petrov <span class="native" lang="und-Cyrl">Петров</span></dd>' in person
    assert "Plovdiv" in person
    assert "1985-11-02" in person


def test_it_leaves_out_a_native_name_that_is_the_same_as_the_latin_one(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    customer = customer_json()
    customer["person"]["firstName"] = name_json("Ivan", "Ivan")
    customer["person"]["lastName"] = name_json("Petrov", "")
    register_profile(gateway, customer=customer)
    page = html(bob.get(f"/customers/{CUSTOMER_ID}/"))
    assert 'class="native"' not in page


def test_it_shows_email_and_phones(bob: Client, gateway: responses.RequestsMock) -> None:
    register_profile(gateway)
    contact = section(html(bob.get(f"/customers/{CUSTOMER_ID}/")), "h-contact")
    assert "ivan.petrov@example.bg" in contact
    assert (
        '<dt>Mobile phone</dt><dd class="mono">+359888123456 '
        '<span class="muted">(personal)</span></dd>'
    ) in contact
    assert '<dt>Fixed phone</dt><dd class="mono">+35932654321</dd>' in contact


def test_it_shows_addresses_on_one_line_with_their_position(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway)
    addresses = section(html(bob.get(f"/customers/{CUSTOMER_ID}/")), "h-addresses")
    assert (
        "<td>home</td><td>Glavna 12 A, building B, floor 3, apt 7, 4000 Plovdiv, "
        "Plovdiv Province, BG</td>"
    ) in addresses
    assert "42.13540, 24.74530" in addresses


def test_it_shows_each_document_with_its_readable_status(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway)
    documents = section(html(bob.get(f"/customers/{CUSTOMER_ID}/")), "h-documents")
    rows = re.findall(r"(?s)<tr>\s*<td>.*?</tr>", documents)
    assert len(rows) == 3
    assert "passport-scan.pdf" in rows[0]
    assert '<span class="badge tone-success">Verified</span>' in rows[0]
    assert "MRZ readable" in rows[0]
    assert '<span class="kv">documentNumber: BG7712345</span>' in rows[0]
    assert "ID front side" in rows[1]
    assert '<span class="badge tone-danger">Rejected</span>' in rows[1]
    assert "Selfie" in rows[2]
    assert '<span class="badge tone-info">Under verification</span>' in rows[2]
    assert "underverification" not in documents


def test_it_says_when_there_are_no_documents(bob: Client, gateway: responses.RequestsMock) -> None:
    register_profile(gateway, documents=documents_json())
    documents = section(html(bob.get(f"/customers/{CUSTOMER_ID}/")), "h-documents")
    assert "No documents on record." in documents


def test_it_shows_status_kyc_and_pep_badges(bob: Client, gateway: responses.RequestsMock) -> None:
    register_profile(gateway)
    page = html(bob.get(f"/customers/{CUSTOMER_ID}/"))
    assert '<span class="badge tone-teal" data-testid="customer-status">Under verification' in page
    assert '<span class="badge tone-success">KYC: Confirmed</span>' in page
    assert '<span class="badge tone-success">PEP: Clear</span>' in page
    compliance = section(page, "h-compliance")
    assert "ID checked against registry" in compliance
    assert "by Erin Compliance" in compliance
    assert "No hits" in compliance


@pytest.mark.parametrize(
    ("kyc", "pep", "kyc_badge", "pep_badge"),
    [
        ("rejected", "match", 'tone-danger">KYC: Rejected', 'tone-danger">PEP: Match'),
        (None, None, 'tone-info">KYC: Pending', 'tone-neutral">PEP: Not checked'),
        (
            {"status": "pending"},
            "falsepositive",
            'tone-info">KYC: Pending',
            'tone-warning">PEP: False positive',
        ),
    ],
)
def test_it_labels_every_kyc_and_pep_state(
    bob: Client,
    gateway: responses.RequestsMock,
    kyc: Any,
    pep: Any,
    kyc_badge: str,
    pep_badge: str,
) -> None:
    register_profile(gateway, customer=customer_json(kycConfirmation=kyc, pepCheckStatus=pep))
    page = html(bob.get(f"/customers/{CUSTOMER_ID}/"))
    assert kyc_badge in page
    assert pep_badge in page


def test_it_shows_revisions_with_their_changes(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway)
    revisions = section(html(bob.get(f"/customers/{CUSTOMER_ID}/")), "h-revisions")
    assert "<strong>#1</strong> Corrected the place of birth" in revisions
    assert "by Alice Admin" in revisions
    assert '<span class="mono">person.placeOfBirth</span> → Plovdiv' in revisions


def test_it_shows_the_sepa_id_and_two_factor_channel(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway)
    overview = section(html(bob.get(f"/customers/{CUSTOMER_ID}/")), "h-overview")
    assert '<dt>SEPA id</dt><dd class="mono">FH0042BG</dd>' in overview
    assert "<dt>Two-factor channel</dt><dd>SMS</dd>" in overview
    assert '<a href="/customers/?organization=org-003">org-003</a>' in overview


def test_it_shows_a_dash_for_a_customer_without_a_sepa_id(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway)
    gateway.replace(responses.GET, SEPA, status=404, json={"status": 404, "message": "No SEPA"})
    response = bob.get(f"/customers/{CUSTOMER_ID}/")
    overview = section(html(response), "h-overview")
    assert response.status_code == 200
    assert '<dt>SEPA id</dt><dd class="mono">—</dd>' in overview
    assert "banner-error" not in html(response)


@pytest.mark.parametrize("secret", SECRETS)
def test_it_never_shows_a_secret_field(
    bob: Client, gateway: responses.RequestsMock, secret: str
) -> None:
    register_profile(gateway)
    response = bob.get(f"/customers/{CUSTOMER_ID}/")
    assert response.status_code == 200
    assert "Ivan Petrov" in html(response)
    assert secret not in html(response)


def test_it_never_shows_a_secret_recorded_in_a_revision(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    revision = {
        "number": 2,
        "comment": "Customer reset their credentials",
        "changes": {"person.password": PASSWORD, "person.pinCode": PIN_CODE},
        "by": "u-alice",
        "at": "2024-04-02T10:00:00Z",
    }
    register_profile(gateway, customer=customer_json(revisions=[revision]))
    page = html(bob.get(f"/customers/{CUSTOMER_ID}/"))
    assert "Customer reset their credentials" in page
    assert PASSWORD not in page
    assert PIN_CODE not in page


def test_it_escapes_markup_from_the_gateway(bob: Client, gateway: responses.RequestsMock) -> None:
    customer = customer_json(customerName='<script>alert("xss")</script>')
    customer["person"]["firstName"] = name_json("Ivan", '"><img src=x onerror=alert(1)>')
    customer["person"]["email"] = "javascript:alert(1)"
    register_profile(
        gateway,
        customer=customer,
        documents=documents_json(document_json(name="<b>bold</b>.pdf")),
    )
    page = html(bob.get(f"/customers/{CUSTOMER_ID}/"))
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in page
    assert '<script>alert("xss")' not in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<img src=x" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;.pdf" in page
    assert "<b>bold</b>" not in page
    assert 'href="javascript:' not in page


# When a read fails


def test_it_answers_with_our_not_found_page_when_the_gateway_has_no_such_customer(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    missing = {"status": 404, "error": "Not Found", "message": "Customer c-00404 not found"}
    gateway.get(CUSTOMERS + "/c-00404", status=404, json=missing)
    gateway.get(CUSTOMERS + "/c-00404/documents", status=404, json=missing)
    gateway.get(CUSTOMERS + "/c-00404/sepaId", status=404, json=missing)
    response = bob.get("/customers/c-00404/")
    page = html(response)
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in page
    assert "Customer c-00404 not found" in page
    assert f"Request id {response['X-Request-ID']}" in page
    assert '<a href="/customers/">Back to customers</a>' in page
    assert "Traceback" not in page
    assert len([c for c in gateway.calls if c.request.url == CUSTOMERS + "/c-00404"]) == 1


def test_it_shows_an_unreadable_customer_as_a_gateway_error_page(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway, customer={"customerName": "Nobody", "person": None})
    response = bob.get(f"/customers/{CUSTOMER_ID}/")
    page = html(response)
    assert response.status_code == 502
    assert "<h1>The gateway sent an answer we could not read</h1>" in page
    assert "Traceback" not in page


def test_it_asks_nothing_for_an_id_that_cannot_be_a_gateway_id(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    response = bob.get("/customers/c%20042%3Cx%3E/")
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in html(response)
    assert len(gateway.calls) == 0


def test_it_still_shows_the_customer_when_the_documents_fail(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway)
    gateway.replace(
        responses.GET,
        DOCUMENTS,
        status=500,
        json={"status": 500, "error": "Internal Server Error", "message": "Document store down"},
    )
    response = bob.get(f"/customers/{CUSTOMER_ID}/")
    page = html(response)
    assert response.status_code == 200
    assert "Ivan Petrov" in page
    assert "FH0042BG" in page
    documents = section(page, "h-documents")
    assert '<div class="banner banner-error" role="alert">' in documents
    assert "The gateway is unavailable." in documents
    assert "Document store down" in documents
    assert f"Request id {response['X-Request-ID']}" in documents
    assert page.count("banner-error") == 1


def test_it_says_the_sepa_id_is_unavailable_when_its_read_fails(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway)
    gateway.replace(responses.GET, SEPA, status=503, json={"status": 503, "message": "busy"})
    response = bob.get(f"/customers/{CUSTOMER_ID}/")
    overview = section(html(response), "h-overview")
    assert response.status_code == 200
    assert "unavailable (the gateway is unavailable)" in overview
    assert "passport-scan.pdf" in html(response)


# The "go to customer id" box


@pytest.mark.parametrize("typed", ["c-00042", "  c-00042  "])
def test_it_goes_straight_to_the_customer_typed_in_the_box(
    bob: Client, gateway: responses.RequestsMock, typed: str
) -> None:
    response = bob.get("/customers/go/", {"id": typed})
    assert response.status_code == 302
    assert response["Location"] == "/customers/c-00042/"
    assert len(gateway.calls) == 0


@pytest.mark.parametrize("typed", ["", "c 00042", "../admin", "<script>", "x" * 65])
def test_it_goes_back_to_the_list_with_a_hint_for_an_invalid_id(
    bob: Client, gateway: responses.RequestsMock, typed: str
) -> None:
    gateway.post(
        CUSTOMERS + "/getAllByTenantId",
        json={"customers": [], "pagination": {"numberOfPage": 1, "totalSize": 0}},
    )
    response = bob.get("/customers/go/", {"id": typed}, follow=True)
    assert [urlsplit(url).path for url, _ in response.redirect_chain] == ["/customers/"]
    assert "Enter a customer id such as c-00042." in html(response)
    assert all("/customer/2.0.0/getAll" in call.request.url for call in gateway.calls)


def test_it_names_the_staff_who_recorded_kyc_and_pep_and_keeps_unknown_ids(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(
        gateway,
        customer=customer_json(
            kycConfirmation={"status": "confirmed", "by": "u-erin", "at": "2026-01-02T10:00:00Z"},
            pepCheckStatus={"status": "clear", "by": "u-gone", "at": "2026-01-03T10:00:00Z"},
        ),
    )
    page = html(bob.get(f"/customers/{CUSTOMER_ID}/"))
    assert "by Erin Compliance" in page
    assert "by u-gone" in page


def test_the_page_still_shows_when_the_staff_directory_is_down(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(
        gateway, customer=customer_json(kycConfirmation={"status": "confirmed", "by": "u-erin"})
    )
    gateway.replace(responses.GET, STAFF_USERS, status=503, json={"status": 503})
    response = bob.get(f"/customers/{CUSTOMER_ID}/")
    assert response.status_code == 200
    assert "by u-erin" in html(response)
