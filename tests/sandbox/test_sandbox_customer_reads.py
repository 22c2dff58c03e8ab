"""Customer reads, list filters and paging, error shapes, seeded data."""

from __future__ import annotations

import math

import pytest
import requests

from sandbox.customer import enums
from sandbox.customer.seed import DEMO_STATUS_COUNTS
from tests.sandbox.conftest import CUSTOMERS, GatewayClient

ALL = CUSTOMERS + "/getAllByTenantId"


def _ids(page: dict) -> list[str]:
    return [customer["id"] for customer in page["customers"]]


def test_it_returns_a_customer_detail(reader: GatewayClient) -> None:
    detail = reader.get(CUSTOMERS + "/c-00001").json()
    assert detail["id"] == "c-00001"
    for key in ("customerType", "customerStatus", "person", "twofa", "created", "updated"):
        assert key in detail
    assert detail["kycConfirmation"]["status"] in enums.KYC_CONFIRMATIONS
    assert detail["pepCheckStatus"]["status"] in enums.PEP_CHECK_STATUSES
    assert isinstance(detail["revisions"], list)


def test_an_unknown_customer_is_404_with_the_error_shape(reader: GatewayClient) -> None:
    response = reader.get(CUSTOMERS + "/c-99999")
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "error": "Not Found",
        "message": "Customer c-99999 not found",
    }


def test_another_tenants_customer_is_403(reader: GatewayClient) -> None:
    response = reader.get(CUSTOMERS + "/c-02201")
    assert response.status_code == 403
    assert response.json()["error"] == "Forbidden"
    assert reader.get(CUSTOMERS + "/c-02201", user="dave").status_code == 200
    assert reader.get(CUSTOMERS + "/c-00001", user="dave").status_code == 403


def test_unknown_routes_methods_and_bodies_get_json_errors(reader: GatewayClient) -> None:
    assert reader.get("/customer/9.9.9/anything").json()["status"] == 404
    assert reader.call("DELETE", CUSTOMERS + "/c-00001").status_code == 405
    token = reader.token("bob")["access_token"]
    response = requests.post(
        reader.url + ALL,
        data=b"{not json",
        headers={"Authorization": f"Bearer {token}", "tenantId": "finhub-demo"},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "body", "message": "malformed JSON"}]


def test_an_unknown_status_or_type_in_the_path_is_a_field_error(reader: GatewayClient) -> None:
    response = reader.post(CUSTOMERS + "/getByCustomerStatus/bankrupt", json={})
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["error"] == "Bad Request"
    assert body["errors"] == [{"field": "customerStatus", "message": "unknown value"}]
    response = reader.post(CUSTOMERS + "/getByCustomerType/Robot", json={})
    assert response.json()["errors"] == [{"field": "customerType", "message": "unknown value"}]


def test_a_bad_filter_body_lists_every_field_error(reader: GatewayClient) -> None:
    body = {"type": "Robot", "created": "yesterday", "pageNumber": 0, "pageSize": 201}
    response = reader.post(ALL, json=body)
    assert response.status_code == 400
    fields = sorted(error["field"] for error in response.json()["errors"])
    assert fields == ["created", "pageNumber", "pageSize", "type"]


def test_every_status_has_its_seeded_customers(reader: GatewayClient) -> None:
    for status in enums.CUSTOMER_STATUSES:
        page = reader.post(CUSTOMERS + f"/getByCustomerStatus/{status}", json={"pageSize": 5})
        pagination = page.json()["pagination"]
        assert pagination["totalSize"] == DEMO_STATUS_COUNTS[status] >= 50
        assert pagination["numberOfPage"] == math.ceil(DEMO_STATUS_COUNTS[status] / 5)
        assert {c["customerStatus"] for c in page.json()["customers"]} == {status}


def test_pages_are_newest_first_and_do_not_overlap(reader: GatewayClient) -> None:
    first = reader.post(ALL, json={"pageNumber": 1, "pageSize": 50}).json()
    second = reader.post(ALL, json={"pageNumber": 2, "pageSize": 50}).json()
    assert first["pagination"] == {"numberOfPage": 44, "totalSize": 2200, "currentPage": 1}
    assert second["pagination"]["currentPage"] == 2
    created = [c["created"] for c in first["customers"] + second["customers"]]
    assert created == sorted(created, reverse=True)
    assert not set(_ids(first)) & set(_ids(second))
    beyond = reader.post(ALL, json={"pageNumber": 45, "pageSize": 50}).json()
    assert beyond["customers"] == []


def test_the_filter_narrows_by_type_created_and_status(reader: GatewayClient) -> None:
    body = {"type": "Organization", "created": "2026-01-01", "status": "verified", "pageSize": 200}
    page = reader.post(ALL, json=body).json()
    assert 0 < page["pagination"]["totalSize"] < 200
    for customer in page["customers"]:
        assert customer["customerType"] == "Organization"
        assert customer["customerStatus"] == "verified"
        assert customer["created"] >= "2026-01-01"
    # where the path names a status, the body's status is ignored
    by_path = reader.post(CUSTOMERS + "/getByCustomerStatus/dispute", json={"status": "new"})
    assert by_path.json()["pagination"]["totalSize"] == DEMO_STATUS_COUNTS["dispute"]


def test_most_customers_are_people(reader: GatewayClient) -> None:
    people = reader.post(CUSTOMERS + "/getByCustomerType/Person", json={"pageSize": 1}).json()
    total = people["pagination"]["totalSize"]
    assert 0.8 < total / 2200 < 0.9


def test_organization_lists(reader: GatewayClient) -> None:
    page = reader.post(CUSTOMERS + "/getByOrganization/org-001", json={"pageSize": 10}).json()
    assert page["pagination"]["totalSize"] > 100
    assert {c["organizationId"] for c in page["customers"]} == {"org-001"}
    everyone = reader.get(CUSTOMERS + "/organization/getCustomers/org-001").json()
    assert len(everyone) == page["pagination"]["totalSize"]
    assert set(everyone[0]) == {"customer"}
    assert reader.get(CUSTOMERS + "/organization/getCustomers/org-999").status_code == 404
    assert reader.get(CUSTOMERS + "/organization/getCustomers/org-331").status_code == 403


def test_list_items_carry_the_secret_fields_like_the_real_gateway(reader: GatewayClient) -> None:
    customer = reader.post(ALL, json={"pageSize": 1}).json()["customers"][0]
    assert customer["person"]["pinCode"].startswith("PIN-")
    assert customer["person"]["password"].startswith("pw-")
    assert customer["person"]["SecretQuestion"][0]["answer"].startswith("secret-answer-")
    assert customer["twofa"]["targetCode"].startswith("2FA-")
    assert "kycConfirmation" not in customer


@pytest.mark.parametrize(
    ("customer_id", "fragment"),
    [("c-00007", "<script>"), ("c-00013", "onerror="), ("c-00042", "javascript:")],
)
def test_payload_customers_are_seeded(
    reader: GatewayClient, customer_id: str, fragment: str
) -> None:
    detail = reader.get(CUSTOMERS + "/" + customer_id).json()
    assert fragment in detail["customerName"]
    assert fragment in detail["person"]["email"]
    assert fragment in detail["person"]["documents"][0]["name"]


SCRIPTS = {
    "Greek": (0x370, 0x3FF),
    "Cyrillic": (0x400, 0x4FF),
    "Japanese kana": (0x3040, 0x30FF),
    "Arabic": (0x600, 0x6FF),
    "CJK": (0x4E00, 0x9FFF),
}


def test_native_names_come_in_several_scripts(reader: GatewayClient) -> None:
    page = reader.post(ALL, json={"pageSize": 200}).json()
    natives = "".join(
        c["person"][part]["native"] for c in page["customers"] for part in ("firstName", "lastName")
    )
    for script, (low, high) in SCRIPTS.items():
        assert any(low <= ord(ch) <= high for ch in natives), script


def test_documents_and_documents_by_purpose(reader: GatewayClient) -> None:
    documents = reader.get(CUSTOMERS + "/c-00001/documents").json()["documents"]
    assert documents
    kyc = reader.get(CUSTOMERS + "/c-00001/documents/KYC").json()["documents"]
    assert kyc == [d for d in documents if d["purpose"] == "KYC"]
    response = reader.get(CUSTOMERS + "/c-00001/documents/Passport")
    assert response.json()["errors"] == [{"field": "purpose", "message": "unknown value"}]


def test_sepa_ids_are_stable_per_customer_and_channel(reader: GatewayClient) -> None:
    first = reader.get(CUSTOMERS + "/c-00001/sepaId").json()["sepaId"]
    assert first.startswith("FH") and first[2:].isdigit()
    assert reader.get(CUSTOMERS + "/c-00001/sepaId").json()["sepaId"] == first
    assert reader.get(CUSTOMERS + "/c-00002/sepaId").json()["sepaId"] != first
    channel = reader.get(CUSTOMERS + "/c-00001/sepaId/email").json()["sepaId"]
    assert channel == first + "-EMAIL"
