"""A customer document opened in the app: its record, and plainly no file (the gateway has none)."""

from __future__ import annotations

from collections.abc import Callable

import responses
from django.test import Client

from tests.customers.test_customer_detail_view import (
    CUSTOMER_ID,
    DOCUMENTS,
    document_json,
)

LOCATION = "https://files.sandbox.finhub.invalid/c-00042/1-passport.pdf"


def test_a_document_shows_its_record_and_says_there_is_no_file(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    gateway.get(
        DOCUMENTS,
        json={
            "documents": [
                document_json(name="<b>Passport</b>", location=LOCATION),
                document_json(name="Selfie"),
            ]
        },
    )
    response = sign_in("carol").get(f"/customers/{CUSTOMER_ID}/documents/1/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "The gateway holds no file for this document" in page
    assert "&lt;b&gt;Passport&lt;/b&gt;" in page and "<b>Passport" not in page
    assert LOCATION in page
    assert f'href="{LOCATION}"' not in page  # never linked: an address outside the app
    assert [call.request.url for call in gateway.calls] == [DOCUMENTS]


def test_a_purposes_list_is_numbered_on_its_own(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    gateway.get(DOCUMENTS + "/KYC", json={"documents": [document_json(name="KYC only")]})
    page = sign_in("bob").get(f"/customers/{CUSTOMER_ID}/documents/1/?purpose=KYC")
    assert "KYC only" in page.content.decode()


def test_a_number_beyond_the_list_or_a_bad_purpose_is_not_found(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    gateway.get(DOCUMENTS, json={"documents": [document_json()]})
    bob = sign_in("bob")
    assert bob.get(f"/customers/{CUSTOMER_ID}/documents/2/").status_code == 404
    assert bob.get(f"/customers/{CUSTOMER_ID}/documents/0/").status_code == 404
    assert bob.get(f"/customers/{CUSTOMER_ID}/documents/1/?purpose=x").status_code == 404


def test_the_documents_list_links_each_document_to_its_page(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    gateway.get(DOCUMENTS + "/KYC", json={"documents": [document_json(), document_json()]})
    fragment = sign_in("bob").get(
        f"/customers/{CUSTOMER_ID}/documents/?purpose=KYC",
        headers={"HX-Request": "true", "HX-Target": "documents-region"},
    )
    page = fragment.content.decode()
    assert f'href="/customers/{CUSTOMER_ID}/documents/2/?purpose=KYC"' in page
