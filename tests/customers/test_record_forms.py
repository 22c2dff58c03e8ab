"""Customer record forms: what each sends, what each shows, and nothing lost, doubled or leaked."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
import responses
from django.test import Client
from responses import matchers

from backoffice.form_tokens import issue_form_token
from backoffice.models import AuditRecord, StaffMember
from customers.customer_edit_form import parse_editable_customer, sign_snapshot
from customers.writes import form_scope
from tests.conftest import TENANT
from tests.customers.test_customer_detail_view import (
    BOB_TOKEN,
    CUSTOMER_ID,
    CUSTOMERS,
    DETAIL,
    DOCUMENTS,
    SECRETS,
    customer_json,
    document_json,
    documents_json,
    html,
    register_profile,
    section,
)

AUTH_HEADERS = {"Authorization": f"Bearer {BOB_TOKEN}", "tenantId": TENANT}
UPDATED = "2024-06-01T12:00:00.123000+00:00"  # customer_json()'s `updated`, as the form holds it
FAILURE = {"status": 500, "error": "Internal Server Error", "message": "Database down"}


def rejected(*errors: tuple[str, str]) -> dict[str, Any]:
    return {
        "status": 400,
        "error": "Bad Request",
        "message": "Validation failed",
        "errors": [{"field": field, "message": message} for field, message in errors],
    }


def token_for(username: str, action: str, customer_id: str = CUSTOMER_ID) -> str:
    """The token the form page issues to this person for this action on this customer."""
    member = StaffMember.objects.get(gateway_user_id=f"u-{username}")
    return issue_form_token(member, form_scope(action, customer_id))


def writes_sent(gateway: responses.RequestsMock) -> list[Any]:
    return [call for call in gateway.calls if call.request.method in ("POST", "PUT")]


def sent_json(call: Any) -> Any:
    return json.loads(call.request.body)


def field_block(page: str, field_id: str) -> str:
    """The `.field` block holding the input with this id: its label, input, help and errors."""
    at = page.index(f'id="{field_id}"')
    start = page.rindex('<div class="field">', 0, at)
    end = page.find('<div class="field">', at)
    return page[start : end if end != -1 else len(page)]


@pytest.fixture
def bob(sign_in: Callable[..., Client]) -> Client:
    return sign_in("bob")


@pytest.fixture
def carol(sign_in: Callable[..., Client]) -> Client:
    return sign_in("carol")


# ---- Add an address -------------------------------------------------------------------------

ADDRESS_URL = f"/customers/{CUSTOMER_ID}/address/new/"
ADDRESS_FORM = {
    "address_purpose": "postal",
    "country": "BG",
    "area": "Sofia City",
    "zip_code": "1000",
    "city": "Sofia",
    "street": "Vitosha Blvd",
    "street_number": "15, B",
    "building": "",
    "apartment": "4",
    "entrance": "2",
    "floor": "3",
    "door_number": "12",
    "latitude": "42.6934",
    "longitude": "23.3215",
    "altitude": "550",
}


def post_address(client: Client, username: str = "bob", **overrides: str) -> Any:
    data = {**ADDRESS_FORM, "form_token": token_for(username, "address"), **overrides}
    return client.post(ADDRESS_URL, data)


def test_the_address_form_is_offered_with_every_field_labelled(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, json=customer_json())
    response = bob.get(ADDRESS_URL)
    page = html(response)
    assert response.status_code == 200
    assert "Add address for Ivan Petrov" in page
    for name in ADDRESS_FORM:
        assert f'<label for="id_{name}">' in page
    assert [call.request.url for call in gateway.calls] == [DETAIL]


def test_adding_an_address_sends_the_full_address_shape(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, json=customer_json())
    gateway.post(
        DETAIL + "/address",
        json=customer_json(),
        match=[
            matchers.header_matcher(AUTH_HEADERS),
            matchers.json_params_matcher(
                {
                    "addressPurpose": "postal",
                    "address": {
                        "country": "BG",
                        "area": "Sofia City",
                        "zipCode": "1000",
                        "city": "Sofia",
                        "street": "Vitosha Blvd",
                        "streetNumber": ["15", "B"],
                        "building": "",
                        "apartment": "4",
                        "entrance": "2",
                        "floor": "3",
                        "doorNumber": "12",
                        "geoPosition": {
                            "latitude": 42.6934,
                            "longitude": 23.3215,
                            "altitude": 550.0,
                        },
                    },
                }
            ),
        ],
    )
    response = post_address(bob)
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{CUSTOMER_ID}/"
    assert len(writes_sent(gateway)) == 1
    record = AuditRecord.objects.get()
    assert (record.action, record.target_id, record.outcome) == (
        "customer.address",
        CUSTOMER_ID,
        "ok",
    )
    register_profile(gateway)
    assert "Add address: saved at the gateway." in html(bob.get(f"/customers/{CUSTOMER_ID}/"))


def test_an_address_without_a_position_sends_a_null_geo_position(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, json=customer_json())
    gateway.post(DETAIL + "/address", json=customer_json())
    response = post_address(bob, latitude="", longitude="", altitude="", street_number="7")
    assert response.status_code == 302
    body = sent_json(writes_sent(gateway)[0])
    assert body["address"]["geoPosition"] is None
    assert body["address"]["streetNumber"] == ["7"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"latitude": "91"}, "latitude", "less than or equal to 90"),
        ({"longitude": "-180.5"}, "longitude", "greater than or equal to -180"),
        ({"longitude": ""}, "longitude", "Give latitude and longitude together"),
        ({"latitude": "", "longitude": ""}, "altitude", "needs a latitude and longitude"),
        ({"latitude": "north"}, "latitude", "Enter a number."),
        ({"city": ""}, "city", "This field is required."),
    ],
)
def test_an_invalid_address_is_refused_before_anything_is_sent(
    bob: Client,
    gateway: responses.RequestsMock,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    gateway.get(DETAIL, json=customer_json())
    response = post_address(bob, **overrides)
    assert response.status_code == 400
    assert message in field_block(html(response), f"id_{field}")
    assert writes_sent(gateway) == []


def test_gateway_field_errors_appear_next_to_the_address_fields_with_input_kept(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, json=customer_json())
    gateway.post(
        DETAIL + "/address",
        status=400,
        json=rejected(("address.city", "unknown city"), ("address.streetNumber[1]", "too long")),
    )
    response = post_address(bob)
    page = html(response)
    assert response.status_code == 400
    assert "Gateway: unknown city" in field_block(page, "id_city")
    assert "Gateway: too long" in field_block(page, "id_street_number")
    assert 'value="Vitosha Blvd"' in page
    assert 'value="15, B"' in page
    assert 'value="42.6934"' in page
    assert AuditRecord.objects.get().outcome == "GatewayRejected"


def test_a_failed_address_write_keeps_the_input_and_is_not_retried(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, json=customer_json())
    gateway.post(DETAIL + "/address", status=500, json=FAILURE)
    response = post_address(bob)
    page = html(response)
    assert response.status_code == 502
    assert '<div class="banner banner-error" role="alert">' in page
    assert "Database down" in page
    assert f"Request id {response['X-Request-ID']}" in page
    assert 'value="Vitosha Blvd"' in page
    assert len(writes_sent(gateway)) == 1
    # The form comes back with a fresh token, so the officer can send it once more.
    assert 'name="form_token"' in page


def test_a_double_submitted_address_reaches_the_gateway_once(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, json=customer_json())
    gateway.post(DETAIL + "/address", json=customer_json())
    token = token_for("bob", "address")
    first = post_address(bob, form_token=token)
    second = post_address(bob, form_token=token)
    assert first.status_code == 302
    assert second.status_code == 409
    assert "Already saved; nothing was sent again." in html(second)
    assert 'value="Vitosha Blvd"' in html(second)
    assert len(writes_sent(gateway)) == 1


# ---- Add documents --------------------------------------------------------------------------

DOCUMENTS_URL = f"/customers/{CUSTOMER_ID}/documents/new/"


def document_rows(*rows: dict[str, str], total: int = 3) -> dict[str, str]:
    data = {
        "documents-TOTAL_FORMS": str(total),
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "1",
        "documents-MAX_NUM_FORMS": "10",
    }
    for index in range(total):
        row = rows[index] if index < len(rows) else {}
        for name in ("purpose", "document_type", "name", "location", "metadata"):
            data[f"documents-{index}-{name}"] = row.get(name, "")
    return data


PASSPORT_ROW = {
    "purpose": "KYC",
    "document_type": "Passport",
    "name": "passport-2026.pdf",
    "location": "s3://docs/c-00042/passport-2026.pdf",
    "metadata": "documentNumber | String | BG7712345\npages | Number | 2",
}
COMPANY_ROW = {
    "purpose": "KYB",
    "document_type": "Company registration",
    "name": "registry-extract.pdf",
    "location": "",
    "metadata": "issuingCountry | BG",
}


def post_documents(client: Client, *rows: dict[str, str], token: str | None = None) -> Any:
    data = {**document_rows(*rows), "form_token": token or token_for("bob", "documents")}
    return client.post(DOCUMENTS_URL, data)


def test_the_documents_form_offers_three_labelled_rows(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, json=customer_json())
    page = html(bob.get(DOCUMENTS_URL))
    for index in range(3):
        for name in ("purpose", "document_type", "name", "location", "metadata"):
            assert f'<label for="id_documents-{index}-{name}">' in page
    assert 'name="documents-TOTAL_FORMS" value="3"' in page


def test_adding_documents_sends_every_filled_row_and_skips_empty_ones(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, json=customer_json())
    gateway.post(
        DOCUMENTS,
        json=documents_json(document_json()),
        match=[
            matchers.header_matcher(AUTH_HEADERS),
            matchers.json_params_matcher(
                {
                    "documents": [
                        {
                            "purpose": "KYC",
                            "documentType": "Passport",
                            "name": "passport-2026.pdf",
                            "location": "s3://docs/c-00042/passport-2026.pdf",
                            "metadata": [
                                {"name": "documentNumber", "type": "String", "value": "BG7712345"},
                                {"name": "pages", "type": "Number", "value": "2"},
                            ],
                        },
                        {
                            "purpose": "KYB",
                            "documentType": "Company registration",
                            "name": "registry-extract.pdf",
                            "location": "",
                            "metadata": [
                                {"name": "issuingCountry", "type": "String", "value": "BG"}
                            ],
                        },
                    ]
                }
            ),
        ],
    )
    response = post_documents(bob, PASSPORT_ROW, COMPANY_ROW)
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{CUSTOMER_ID}/"
    assert len(writes_sent(gateway)) == 1
    assert AuditRecord.objects.get().action == "customer.documents"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((), "Fill in at least 1 document."),
        (({**PASSPORT_ROW, "metadata": "just a name"},), "Line 1 is not in the form"),
        (({**PASSPORT_ROW, "location": "javascript:alert(1)"},), "Use an https://"),
        (({**PASSPORT_ROW, "purpose": "Fun"},), "Select a valid choice."),
    ],
)
def test_invalid_documents_are_refused_before_anything_is_sent(
    bob: Client, gateway: responses.RequestsMock, rows: tuple[dict[str, str], ...], message: str
) -> None:
    gateway.get(DETAIL, json=customer_json())
    response = post_documents(bob, *rows)
    assert response.status_code == 400
    assert message in html(response)
    assert writes_sent(gateway) == []


def test_gateway_errors_land_on_the_row_they_belong_to(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, json=customer_json())
    gateway.post(DOCUMENTS, status=400, json=rejected(("documents[1].name", "already exists")))
    response = post_documents(bob, PASSPORT_ROW, COMPANY_ROW)
    page = html(response)
    assert response.status_code == 400
    assert "Gateway: already exists" in field_block(page, "id_documents-1-name")
    assert "Gateway: already exists" not in field_block(page, "id_documents-0-name")
    assert 'value="registry-extract.pdf"' in page
    assert "documentNumber | String | BG7712345\npages | Number | 2</textarea>" in page


def test_a_documents_write_whose_answer_is_lost_keeps_the_rows_and_is_not_retried(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, json=customer_json())
    gateway.add(responses.POST, DOCUMENTS, body=responses.ConnectionError("reset"))
    response = post_documents(bob, PASSPORT_ROW)
    # Reset after sending: it may have been saved, and the read-back does not show it yet.
    assert response.status_code == 202
    assert "We don&#x27;t know yet whether it was saved" in html(response)
    assert 'value="passport-2026.pdf"' in html(response)
    assert len(writes_sent(gateway)) == 1


def test_double_submitted_documents_reach_the_gateway_once(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, json=customer_json())
    gateway.post(DOCUMENTS, json=documents_json())
    token = token_for("bob", "documents")
    assert post_documents(bob, PASSPORT_ROW, token=token).status_code == 302
    assert post_documents(bob, PASSPORT_ROW, token=token).status_code == 409
    assert len(writes_sent(gateway)) == 1


# ---- Documents by purpose -------------------------------------------------------------------

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "documents-region"}


def test_the_customer_page_offers_the_purpose_filter(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway)
    documents = section(html(bob.get(f"/customers/{CUSTOMER_ID}/")), "h-documents")
    url = f"/customers/{CUSTOMER_ID}/documents/"
    assert f'<a href="{url}" hx-get="{url}" aria-current="page">All</a>' in documents
    for purpose in ("KYC", "KYB", "AML", "Other"):
        assert f'<a href="{url}?purpose={purpose}" hx-get="{url}?purpose={purpose}"' in documents
    assert 'hx-target="#documents-region"' in documents


def test_the_filter_answers_htmx_with_the_documents_fragment(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(
        DOCUMENTS + "/KYB",
        json=documents_json(document_json(purpose="KYB", name="registry.pdf")),
        match=[matchers.header_matcher(AUTH_HEADERS)],
    )
    response = bob.get(f"/customers/{CUSTOMER_ID}/documents/", {"purpose": "KYB"}, **HTMX)
    page = html(response)
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="documents-region"')
    assert "<html" not in page
    assert "registry.pdf" in page
    assert '?purpose=KYB" aria-current="page">KYB</a>' in page
    assert [call.request.url for call in gateway.calls] == [DOCUMENTS + "/KYB"]
    assert "HX-Request" in response["Vary"]


def test_the_filter_without_javascript_shows_the_customer_page_filtered(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway)
    gateway.get(DOCUMENTS + "/AML", json=documents_json())
    response = bob.get(f"/customers/{CUSTOMER_ID}/documents/", {"purpose": "AML"})
    page = html(response)
    assert response.status_code == 200
    assert "<h1>Ivan Petrov" in page
    documents = section(page, "h-documents")
    assert "No documents on record with purpose AML." in documents
    assert "passport-scan.pdf" not in documents
    assert '?purpose=AML" aria-current="page">AML</a>' in documents
    assert DOCUMENTS + "/AML" in [call.request.url for call in gateway.calls]


def test_the_filter_shows_a_documents_failure_inside_the_fragment(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DOCUMENTS + "/KYC", status=500, json=FAILURE)
    response = bob.get(f"/customers/{CUSTOMER_ID}/documents/", {"purpose": "KYC"}, **HTMX)
    page = html(response)
    assert response.status_code == 502
    assert page.lstrip().startswith('<div id="documents-region"')
    assert "Database down" in page


def test_an_unknown_purpose_asks_the_gateway_nothing(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    response = bob.get(f"/customers/{CUSTOMER_ID}/documents/", {"purpose": "../x"}, **HTMX)
    assert response.status_code == 400
    assert "Unknown document purpose" in html(response)
    assert len(gateway.calls) == 0


# ---- SEPA id per channel --------------------------------------------------------------------


def test_the_sepa_id_for_a_channel_is_looked_up(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL + "/sepaId/EMAIL", json={"sepaId": "FH0042BG-EMAIL"})
    response = bob.get(
        f"/customers/{CUSTOMER_ID}/sepa-id/", {"channel": "EMAIL"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert html(response) == '<span class="mono">FH0042BG-EMAIL</span>'
    without_js = bob.get(f"/customers/{CUSTOMER_ID}/sepa-id/", {"channel": "EMAIL"})
    assert without_js.status_code == 302
    register_profile(gateway)
    assert "SEPA id for EMAIL: FH0042BG-EMAIL" in html(bob.get(without_js["Location"]))


def test_an_odd_sepa_channel_is_refused_without_a_call(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    response = bob.get(
        f"/customers/{CUSTOMER_ID}/sepa-id/", {"channel": "a/b"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert len(gateway.calls) == 0


# ---- Edit a customer ------------------------------------------------------------------------

EDIT_URL = f"/customers/{CUSTOMER_ID}/edit/"


def edit_form(username: str = "bob", **overrides: str) -> dict[str, str]:
    """The edit form as the page fills it for customer_json(), with `overrides` typed in."""
    data = {
        "form_token": token_for(username, "update"),
        "seen_updated": UPDATED,
        "seen_snapshot": sign_snapshot(parse_editable_customer(customer_json())),
        "customer_name": "Ivan Petrov",
        "categorization": "category2",
        "first_name": "Ivan",
        "first_name_native": "Иван",
        "last_name": "Petrov",
        "last_name_native": "Петров",
        "gender": "Male",
        "date_of_birth": "1985-11-02",
        "place_of_birth": "Plovdiv",
        "nationality": "BG",
        "email": "ivan.petrov@example.bg",
        "phone1_type": "mobile",
        "phone1_number": "+359888123456",
        "phone2_type": "fixed",
        "phone2_number": "+35932654321",
        "notify_1": "on",  # Securityalerts on, Marketingemails (notify_0) off
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_edit_form_is_prefilled_and_shows_no_secret(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, json=customer_json())
    response = bob.get(EDIT_URL)
    page = html(response)
    assert response.status_code == 200
    for name, value in (
        ("customer_name", "Ivan Petrov"),
        ("first_name", "Ivan"),
        ("first_name_native", "Иван"),
        ("last_name_native", "Петров"),
        ("date_of_birth", "1985-11-02"),
        ("place_of_birth", "Plovdiv"),
        ("email", "ivan.petrov@example.bg"),
        ("phone1_number", "+359888123456"),
        ("phone2_number", "+35932654321"),
        ("seen_updated", UPDATED),
    ):
        assert re.search(rf'name="{name}" value="{re.escape(value)}"', page), name
    assert '<option value="category2" selected>Category 2</option>' in page
    assert '<option value="Male" selected>Male</option>' in page
    assert '<option value="mobile" selected>Mobile</option>' in page
    assert 'name="notify_0" id="id_notify_0">' in page
    assert 'name="notify_1" id="id_notify_1" checked>' in page
    for secret in SECRETS:
        assert secret not in page
    for word in ("pinCode", "password", "SecretQuestion", "targetCode", "inputCode"):
        assert f'name="{word}' not in page
    assert 'name="seen_snapshot"' in page
    assert "PIN-" not in page


def test_an_edit_puts_only_the_editable_fields_and_no_secret(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, json=customer_json())
    gateway.put(
        f"{CUSTOMERS}/update/{CUSTOMER_ID}",
        json={"customer": customer_json()},
        match=[matchers.header_matcher(AUTH_HEADERS)],
    )
    response = bob.post(
        EDIT_URL,
        edit_form(
            email="ivan@new.example.bg",
            categorization="category3",
            phone1_number="+359888000111",
            notify_0="on",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{CUSTOMER_ID}/"
    (put,) = writes_sent(gateway)
    assert put.request.method == "PUT"
    assert put.request.url == f"{CUSTOMERS}/update/{CUSTOMER_ID}"
    body = sent_json(put)
    first_name = {
        "name": "Ivan",
        "native": "Иван",
        "language": "bg",
        "order": 1,
    }
    assert body == {
        "id": CUSTOMER_ID,
        "customerName": "Ivan Petrov",
        "categorization": "category3",
        "notifications": [
            {"notificationType": "Marketingemails", "isEnabled": True},
            {"notificationType": "Securityalerts", "isEnabled": True},
        ],
        "person": {
            "firstName": first_name,
            "lastName": {**first_name, "name": "Petrov", "native": "Петров"},
            "gender": "Male",
            "dateOfBirth": "1985-11-02",
            "placeOfBirth": "Plovdiv",
            "nationality": "BG",
            "email": "ivan@new.example.bg",
            "telephoneNumbers": [
                {
                    "phoneType": "mobile",
                    "operator": "A1",
                    "encoding": "numbers",
                    "country": "BG",
                    "number": "+359888000111",
                    "purpose": "personal",
                },
                {"phoneType": "fixed", "number": "+35932654321", "country": "BG"},
            ],
        },
    }
    raw = put.request.body.decode() if isinstance(put.request.body, bytes) else put.request.body
    for secret in SECRETS:
        assert secret not in raw
    for key in ("pinCode", "password", "SecretQuestion", "twofa", "[redacted]"):
        assert key not in raw
    record = AuditRecord.objects.get()
    assert record.action == "customer.update"
    assert record.summary["before"] == {
        "categorization": "category2",
        "email": "ivan.petrov@example.bg",
        "phone1_number": "+359888123456",
        "notify_0": False,
    }
    assert record.summary["after"]["email"] == "ivan@new.example.bg"


def test_an_edit_keeps_phones_beyond_the_first_two_and_removes_an_emptied_one(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    customer = customer_json()
    third = {"phoneType": "mobile", "number": "+359877999888", "purpose": "work"}
    customer["person"]["telephoneNumbers"].append(third)
    gateway.get(DETAIL, json=customer)
    gateway.put(f"{CUSTOMERS}/update/{CUSTOMER_ID}", json={"customer": customer})
    snapshot = sign_snapshot(parse_editable_customer(customer))
    response = bob.post(EDIT_URL, edit_form(phone2_number="", seen_snapshot=snapshot))
    assert response.status_code == 302
    phones = sent_json(writes_sent(gateway)[0])["person"]["telephoneNumbers"]
    assert [phone["number"] for phone in phones] == ["+359888123456", "+359877999888"]
    assert phones[1] == third


def test_an_edit_that_changes_nothing_sends_nothing(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, json=customer_json())
    response = bob.post(EDIT_URL, edit_form())
    assert response.status_code == 302
    assert writes_sent(gateway) == []
    register_profile(gateway)
    assert "Nothing changed" in html(bob.get(response["Location"]))


def test_a_stale_edit_is_refused_with_the_fresh_values(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    changed = customer_json(updated="2024-06-02T08:00:00.456Z")
    changed["person"]["email"] = "ivan@changed-meanwhile.bg"
    gateway.get(DETAIL, json=changed)
    gateway.put(f"{CUSTOMERS}/update/{CUSTOMER_ID}", json={"customer": changed})
    response = bob.post(EDIT_URL, edit_form(place_of_birth="Sofia"))
    page = html(response)
    assert response.status_code == 409
    assert writes_sent(gateway) == []
    assert "This customer changed at the gateway since you opened the form" in page
    assert "Email: you saw ivan.petrov@example.bg, now ivan@changed-meanwhile.bg" in page
    assert 'name="place_of_birth" value="Sofia"' in page  # what was typed is kept
    assert 'name="seen_updated" value="2024-06-02T08:00:00.456000+00:00"' in page
    # Submitting the re-shown form again is a deliberate overwrite, and goes through.
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    snapshot = re.search(r'name="seen_snapshot" value="([^"]+)"', page)
    assert token is not None and snapshot is not None
    again = bob.post(
        EDIT_URL,
        edit_form(
            place_of_birth="Sofia",
            form_token=token.group(1),
            seen_updated="2024-06-02T08:00:00.456000+00:00",
            seen_snapshot=snapshot.group(1),
        ),
    )
    assert again.status_code == 302
    assert len(writes_sent(gateway)) == 1


def test_a_stale_edit_says_when_none_of_its_fields_changed(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(
        DETAIL, json=customer_json(updated="2024-06-03T00:00:00Z", customerStatus="on_hold")
    )
    response = bob.post(EDIT_URL, edit_form(place_of_birth="Sofia"))
    assert response.status_code == 409
    assert "None of the fields on this form changed" in html(response)
    assert writes_sent(gateway) == []


def test_gateway_field_errors_appear_next_to_the_edit_fields_with_input_kept(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, json=customer_json())
    gateway.put(
        f"{CUSTOMERS}/update/{CUSTOMER_ID}",
        status=400,
        json=rejected(("person.email", "already used by c-00007"), ("person.groupId", "locked")),
    )
    response = bob.post(EDIT_URL, edit_form(email="taken@example.bg"))
    page = html(response)
    assert response.status_code == 400
    assert "Gateway: already used by c-00007" in field_block(page, "id_email")
    assert "Gateway: person.groupId: locked" in page
    assert 'value="taken@example.bg"' in page


def test_a_failed_edit_keeps_the_input_and_is_not_retried(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, json=customer_json())
    gateway.put(f"{CUSTOMERS}/update/{CUSTOMER_ID}", status=500, json=FAILURE)
    response = bob.post(EDIT_URL, edit_form(place_of_birth="Sofia"))
    page = html(response)
    assert response.status_code == 502
    assert "The gateway is unavailable" in page
    assert 'name="place_of_birth" value="Sofia"' in page
    assert len(writes_sent(gateway)) == 1
    assert AuditRecord.objects.get().gateway_status == 500


def test_an_edit_keeps_the_input_when_the_fresh_read_fails(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, status=503, json={"status": 503, "message": "busy"})
    response = bob.post(EDIT_URL, edit_form(place_of_birth="Sofia"))
    page = html(response)
    assert response.status_code == 502
    assert 'name="place_of_birth" value="Sofia"' in page
    assert 'name="notify_1" id="id_notify_1" checked>' in page
    assert writes_sent(gateway) == []


def test_a_double_submitted_edit_reaches_the_gateway_once(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, json=customer_json())
    gateway.put(f"{CUSTOMERS}/update/{CUSTOMER_ID}", json={"customer": customer_json()})
    data = edit_form(place_of_birth="Sofia")
    assert bob.post(EDIT_URL, data).status_code == 302
    second = bob.post(EDIT_URL, data)
    assert second.status_code == 409
    assert "Already saved; nothing was sent again." in html(second)
    assert len(writes_sent(gateway)) == 1


# ---- Create a customer ----------------------------------------------------------------------

CREATE_URL = "/customers/new/"


def create_form(username: str = "bob", **overrides: str) -> dict[str, str]:
    return {
        "form_token": token_for(username, "create", ""),
        "customer_type": "Person",
        "customer_name": "",
        "first_name": "Maria",
        "first_name_native": "Мария",
        "last_name": "Ivanova",
        "last_name_native": "",
        "email": "maria.ivanova@example.bg",
        "organization_id": "org-003",
        "categorization": "category1",
        **overrides,
    }


def test_the_create_form_is_offered_without_asking_the_gateway(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    page = html(bob.get(CREATE_URL))
    assert "<legend>Customer type</legend>" in page
    assert (
        '<label for="id_customer_type_0"><input type="radio" name="customer_type" value="Person"'
        in page
    )
    for name in ("customer_name", "first_name", "last_name", "email", "organization_id"):
        assert f'<label for="id_{name}">' in page
    assert len(gateway.calls) == 0


@pytest.mark.parametrize(
    "answer",
    [
        customer_json("c-02351", customerStatus="new"),
        {"customer": customer_json("c-02351", customerStatus="new")},
    ],
)
def test_creating_a_person_sends_the_customer_and_opens_the_new_one(
    bob: Client, gateway: responses.RequestsMock, answer: dict[str, Any]
) -> None:
    gateway.post(
        f"{CUSTOMERS}/create",
        json=answer,
        match=[
            matchers.header_matcher(AUTH_HEADERS),
            matchers.json_params_matcher(
                {
                    "customerType": "Person",
                    "customerName": "Maria Ivanova",
                    "customerStatus": "new",
                    "categorization": "category1",
                    "organizationId": "org-003",
                    "person": {
                        "firstName": {"name": "Maria", "native": "Мария", "order": 1},
                        "lastName": {"name": "Ivanova", "native": "Ivanova", "order": 2},
                        "fullName": "Maria Ivanova",
                        "email": "maria.ivanova@example.bg",
                    },
                }
            ),
        ],
    )
    response = bob.post(CREATE_URL, create_form())
    assert response.status_code == 302
    assert response["Location"] == "/customers/c-02351/"
    record = AuditRecord.objects.get()
    assert (record.action, record.target_id) == ("customer.create", "c-02351")


def test_creating_an_organization_sends_its_name_and_no_organization_id(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(f"{CUSTOMERS}/create", json=customer_json("c-02352"))
    response = bob.post(
        CREATE_URL,
        create_form(
            customer_type="Organization",
            customer_name="Balkan Logistics AD",
            organization_id="",
            categorization="category2",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == "/customers/c-02352/"
    body = sent_json(writes_sent(gateway)[0])
    assert body["customerType"] == "Organization"
    assert body["customerName"] == "Balkan Logistics AD"
    assert "organizationId" not in body
    assert "id" not in body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "A person needs a first and a last name."),
        ({"customer_type": "Organization"}, "organization_id", "gets its own organization id"),
        (
            {"customer_type": "Organization", "organization_id": ""},
            "customer_name",
            "Give the organization&#x27;s name.",
        ),
        ({"organization_id": "org 1/../x"}, "organization_id", "That is not a valid id."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
    ],
)
def test_an_invalid_new_customer_is_refused_before_anything_is_sent(
    bob: Client,
    gateway: responses.RequestsMock,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = bob.post(CREATE_URL, create_form(**overrides))
    assert response.status_code == 400
    assert message in field_block(html(response), f"id_{field}")
    assert len(gateway.calls) == 0


def test_gateway_field_errors_appear_next_to_the_create_fields(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(
        f"{CUSTOMERS}/create",
        status=400,
        json=rejected(("organizationId", "Organization org-003 not found")),
    )
    response = bob.post(CREATE_URL, create_form())
    page = html(response)
    assert response.status_code == 400
    assert "Gateway: Organization org-003 not found" in field_block(page, "id_organization_id")
    assert 'value="Maria"' in page


def test_a_failed_create_keeps_the_input_and_is_not_retried(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(f"{CUSTOMERS}/create", status=500, json=FAILURE)
    response = bob.post(CREATE_URL, create_form())
    assert response.status_code == 502
    assert "Database down" in html(response)
    assert 'value="maria.ivanova@example.bg"' in html(response)
    assert len(writes_sent(gateway)) == 1


def test_a_double_submitted_create_makes_one_customer(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(f"{CUSTOMERS}/create", json=customer_json("c-02351"))
    data = create_form()
    assert bob.post(CREATE_URL, data).status_code == 302
    assert bob.post(CREATE_URL, data).status_code == 409
    assert len(writes_sent(gateway)) == 1


def test_a_create_answer_without_a_usable_id_goes_to_the_list(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.post(f"{CUSTOMERS}/create", json={"customerName": "Maria Ivanova"})
    response = bob.post(CREATE_URL, create_form())
    assert response.status_code == 302
    assert response["Location"] == "/customers/"


# ---- Who may write --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [ADDRESS_URL, DOCUMENTS_URL, EDIT_URL, CREATE_URL],
)
def test_an_assignee_may_not_open_or_post_a_record_form(
    carol: Client, gateway: responses.RequestsMock, url: str
) -> None:
    opened = carol.get(url)
    posted = carol.post(url, {**ADDRESS_FORM, **create_form("carol"), **edit_form("carol")})
    for response in (opened, posted):
        assert response.status_code == 403
        assert "Your role may read customers but not change them." in html(response)
    assert len(gateway.calls) == 0
    assert AuditRecord.objects.count() == 0


def test_writers_get_the_record_links_and_assignees_do_not(
    bob: Client, sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    register_profile(gateway)
    links = (
        f'<a href="/customers/{CUSTOMER_ID}/edit/">Edit customer</a>',
        f'<a href="/customers/{CUSTOMER_ID}/address/new/">Add address</a>',
        f'<a href="/customers/{CUSTOMER_ID}/documents/new/">Add documents</a>',
    )
    gateway.post(
        CUSTOMERS + "/getAllByTenantId",
        json={"customers": [], "pagination": {"numberOfPage": 1, "totalSize": 0}},
    )
    page = html(bob.get(f"/customers/{CUSTOMER_ID}/"))
    assert all(link in page for link in links)
    assert '<a href="/customers/new/">New customer</a>' in html(bob.get("/customers/"))
    carol = sign_in("carol")
    page = html(carol.get(f"/customers/{CUSTOMER_ID}/"))
    assert not any(link in page for link in links)
    assert "/customers/new/" not in html(carol.get("/customers/"))


# ---- The organization page ------------------------------------------------------------------

ORGANIZATION_URL = "/customers/organizations/org-003/"


def test_the_customer_page_links_to_its_organization(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    register_profile(gateway)
    overview = section(html(bob.get(f"/customers/{CUSTOMER_ID}/")), "h-overview")
    assert f'<a href="{ORGANIZATION_URL}">organization page</a>' in overview


def test_the_organization_page_lists_its_customers(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    organization = customer_json(
        "c-00011",
        customerType="Organization",
        customerName="Danube Textiles Ltd",
        customerStatus="verified",
        organizationId="org-003",
    )
    member = customer_json("c-00099", customerName="Ana Lopez", customerStatus="blacklisted")
    gateway.get(
        f"{CUSTOMERS}/organization/getCustomers/org-003",
        json=[{"customer": organization}, {"customer": member}, {"customer": customer_json()}],
        match=[matchers.header_matcher(AUTH_HEADERS)],
    )
    response = bob.get(ORGANIZATION_URL)
    page = html(response)
    assert response.status_code == 200
    assert '<h1 id="org-title">Danube Textiles Ltd</h1>' in page
    assert "3 customers" in page
    assert '<a href="/customers/c-00099/">Ana Lopez</a>' in page
    assert '<span class="badge tone-danger">Blacklisted</span>' in page
    assert '<span class="badge tone-success">Verified</span>' in page
    assert '<a href="/customers/?organization=org-003">' in page
    assert '<a href="/customers/c-00011/">Organization record</a>' in page
    for secret in SECRETS:
        assert secret not in page
    assert len(gateway.calls) == 1


def test_the_organization_page_shows_a_gateway_failure_as_a_banner(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(f"{CUSTOMERS}/organization/getCustomers/org-003", status=500, json=FAILURE)
    response = bob.get(ORGANIZATION_URL)
    assert response.status_code == 502
    assert "Database down" in html(response)
    assert "Try again" in html(response)


def test_an_unknown_organization_is_not_found(bob: Client, gateway: responses.RequestsMock) -> None:
    gateway.get(
        f"{CUSTOMERS}/organization/getCustomers/org-999",
        status=404,
        json={"status": 404, "error": "Not Found", "message": "Organization org-999 not found"},
    )
    response = bob.get("/customers/organizations/org-999/")
    assert response.status_code == 404
    assert "Organization org-999 not found" in html(response)


def test_a_bad_email_already_on_record_does_not_block_an_unrelated_edit(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    on_record = customer_json()
    on_record["person"]["email"] = "javascript:alert(1)"
    gateway.get(DETAIL, json=on_record)
    gateway.put(f"{CUSTOMERS}/update/{CUSTOMER_ID}", json={"customer": on_record})
    form = edit_form(place_of_birth="Sofia", email="javascript:alert(1)")
    form["seen_snapshot"] = sign_snapshot(parse_editable_customer(on_record))
    response = bob.post(EDIT_URL, form)
    assert response.status_code == 302
    assert len(writes_sent(gateway)) == 1


def test_a_new_email_must_be_valid(bob: Client, gateway: responses.RequestsMock) -> None:
    gateway.get(DETAIL, json=customer_json())
    response = bob.post(EDIT_URL, edit_form(email="not an email"))
    assert response.status_code == 400
    assert "Enter a valid email address." in html(response)
    assert writes_sent(gateway) == []


def test_renaming_a_person_updates_a_full_name_that_was_first_plus_last(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    gateway.get(DETAIL, json=customer_json())
    gateway.put(f"{CUSTOMERS}/update/{CUSTOMER_ID}", json={"customer": customer_json()})
    bob.post(EDIT_URL, edit_form(last_name="Petrova", last_name_native="Петрова"))
    (put,) = writes_sent(gateway)
    assert json.loads(put.request.body)["person"]["fullName"] == "Ivan Petrova"


def test_a_full_name_of_its_own_is_left_alone_on_rename(
    bob: Client, gateway: responses.RequestsMock
) -> None:
    on_record = customer_json()
    on_record["person"]["fullName"] = "Dr. Ivan G. Petrov"
    gateway.get(DETAIL, json=on_record)
    gateway.put(f"{CUSTOMERS}/update/{CUSTOMER_ID}", json={"customer": on_record})
    form = edit_form(last_name="Petrova")
    form["seen_snapshot"] = sign_snapshot(parse_editable_customer(on_record))
    bob.post(EDIT_URL, form)
    (put,) = writes_sent(gateway)
    assert "fullName" not in json.loads(put.request.body)["person"]
