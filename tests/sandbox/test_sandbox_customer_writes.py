"""Every customer write changes what the next read returns; bad bodies get field errors."""

from __future__ import annotations

from typing import Any

from tests.sandbox.conftest import CUSTOMERS, GatewayClient


def _detail(client: GatewayClient, customer_id: str) -> dict[str, Any]:
    return client.get(f"{CUSTOMERS}/{customer_id}").json()


def _new_person(name: str = "Nadia Newcomer") -> dict[str, Any]:
    first, last = name.split()
    return {
        "customerType": "Person",
        "customerName": name,
        "categorization": "category2",
        "organizationId": "org-001",
        "person": {
            "firstName": {"name": first, "native": first, "language": "en", "order": 1},
            "lastName": {"name": last, "native": last, "language": "en", "order": 2},
            "fullName": name,
            "gender": "Female",
            "email": "nadia@example.com",
            "pinCode": "PIN-0000",
            "password": "pw-newcomer",
            "SecretQuestion": [{"question": "Pet?", "answer": "secret-answer-rex"}],
            "telephoneNumbers": [{"phoneType": "mobile", "number": "+30 690000000"}],
        },
        "twofa": {"targetType": "SMS", "targetCode": "2FA-111111", "inputCode": "2FA-111111"},
    }


def test_status_update_changes_the_status_and_bumps_updated(client: GatewayClient) -> None:
    before = _detail(client, "c-00100")
    response = client.post(f"{CUSTOMERS}/update/c-00100/status/on_hold", json=before)
    assert response.status_code == 200
    assert response.json()["customer"]["customerStatus"] == "on_hold"
    after = _detail(client, "c-00100")
    assert after["customerStatus"] == "on_hold"
    assert after["updated"] > before["updated"]
    bad = client.post(f"{CUSTOMERS}/update/c-00100/status/bankrupt", json={})
    assert bad.json()["errors"] == [{"field": "customerStatus", "message": "unknown value"}]


def test_kyc_and_pep_decisions_record_who_and_when(client: GatewayClient) -> None:
    body = {"kycConfirmation": "confirmed", "comment": "Passport matches"}
    detail = client.post(f"{CUSTOMERS}/c-00101/kycConfirmation", json=body).json()
    assert detail["kycConfirmation"]["status"] == "confirmed"
    assert detail["kycConfirmation"]["by"] == "u-bob"
    assert detail["kycConfirmation"]["at"]
    pep = {"pepCheckStatus": "falsepositive", "comment": "Namesake"}
    client.post(f"{CUSTOMERS}/c-00101/pepCheckStatus", json=pep, user="erin")
    stored = _detail(client, "c-00101")
    assert stored["kycConfirmation"]["comment"] == "Passport matches"
    assert stored["pepCheckStatus"] == {**stored["pepCheckStatus"], "status": "falsepositive"}
    assert stored["pepCheckStatus"]["by"] == "u-erin"
    bad = client.post(f"{CUSTOMERS}/c-00101/kycConfirmation", json={"kycConfirmation": "yes"})
    assert bad.status_code == 400
    assert bad.json()["errors"] == [{"field": "kycConfirmation", "message": "unknown value"}]


def test_revisions_are_appended_with_numbers(client: GatewayClient) -> None:
    before = len(_detail(client, "c-00102")["revisions"])
    body = {"comment": "Fixed typo", "changes": {"customerName": "Fixed"}}
    detail = client.post(f"{CUSTOMERS}/c-00102/revisions", json=body, user="alice").json()
    revision = detail["revisions"][-1]
    assert revision["number"] == before + 1
    assert revision["changes"] == {"customerName": "Fixed"}
    assert revision["by"] == "u-alice"
    assert len(_detail(client, "c-00102")["revisions"]) == before + 1
    assert client.post(f"{CUSTOMERS}/c-00102/revisions", json={"changes": []}).status_code == 400


def test_create_assigns_an_id_and_the_customer_can_be_read(client: GatewayClient) -> None:
    response = client.post(f"{CUSTOMERS}/create", json=_new_person())
    assert response.status_code == 200
    created = response.json()
    assert created["id"] == "c-02351"
    assert created["customerStatus"] == "new"
    detail = _detail(client, created["id"])
    assert detail["person"]["fullName"] == "Nadia Newcomer"
    assert detail["kycConfirmation"]["status"] == "pending"
    org = client.get(f"{CUSTOMERS}/organization/getCustomers/org-001").json()
    assert created["id"] in {item["customer"]["id"] for item in org}


def test_create_rejects_bad_enums_with_field_errors(client: GatewayClient) -> None:
    body = _new_person()
    body["customerType"] = "Robot"
    body["person"]["gender"] = "Unknown"
    body["person"]["telephoneNumbers"][0]["phoneType"] = "pager"
    body["id"] = "c-00001"
    response = client.post(f"{CUSTOMERS}/create", json=body)
    assert response.status_code == 400
    assert sorted(error["field"] for error in response.json()["errors"]) == [
        "customerType",
        "id",
        "person.gender",
        "person.telephoneNumbers[0].phoneType",
    ]


def test_create_list_is_all_or_nothing(client: GatewayClient) -> None:
    organization = {"customerType": "Organization", "customerName": "Listed Holdings Ltd"}
    bad = client.post(
        f"{CUSTOMERS}/createList", json={"customers": [organization, {"customerType": "x"}]}
    )
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {
        "customers[1].customerType",
        "customers[1].customerName",
    }
    body = {"customers": [organization, _new_person("Lee Listed")]}
    created = client.post(f"{CUSTOMERS}/createList", json=body).json()["customers"]
    assert [c["customerName"] for c in created] == ["Listed Holdings Ltd", "Lee Listed"]
    assert created[0]["organizationId"].startswith("org-")
    members = client.get(f"{CUSTOMERS}/organization/getCustomers/{created[0]['organizationId']}")
    assert [item["customer"]["id"] for item in members.json()] == [created[0]["id"]]


def test_put_update_changes_fields_and_keeps_omitted_secrets(client: GatewayClient) -> None:
    before = _detail(client, "c-00103")
    body = {
        "customerName": "Renamed Person",
        "categorization": "category3",
        "person": {
            "email": "renamed@example.com",
            "SecretQuestion": [
                {"question": q["question"]} for q in before["person"]["SecretQuestion"]
            ],
        },
        "twofa": {"targetType": "Email", "targetValue": "renamed@example.com"},
    }
    response = client.put(f"{CUSTOMERS}/update/c-00103", json=body)
    assert response.status_code == 200
    after = _detail(client, "c-00103")
    assert after["customerName"] == "Renamed Person"
    assert after["person"]["email"] == "renamed@example.com"
    assert after["person"]["firstName"] == before["person"]["firstName"]
    assert after["person"]["pinCode"] == before["person"]["pinCode"]
    assert after["person"]["password"] == before["person"]["password"]
    assert after["person"]["SecretQuestion"] == before["person"]["SecretQuestion"]
    assert after["twofa"]["targetCode"] == before["twofa"]["targetCode"]
    assert after["twofa"]["inputCode"] == before["twofa"]["inputCode"]
    assert after["updated"] > before["updated"]
    client.put(f"{CUSTOMERS}/update/c-00103", json={"person": None, "twofa": None})
    nulled = _detail(client, "c-00103")
    assert nulled["person"]["pinCode"] == before["person"]["pinCode"]
    assert nulled["twofa"]["targetCode"] == before["twofa"]["targetCode"]
    mismatch = client.put(f"{CUSTOMERS}/update/c-00103", json={"id": "c-00104"})
    assert mismatch.json()["errors"] == [{"field": "id", "message": "does not match the path"}]


def test_address_is_appended(client: GatewayClient) -> None:
    before = len(_detail(client, "c-00104")["person"]["addresses"])
    body = {"addressPurpose": "postal", "address": {"country": "GR", "city": "Patras"}}
    detail = client.post(f"{CUSTOMERS}/c-00104/address", json=body).json()
    assert detail["person"]["addresses"][-1] == body
    assert len(_detail(client, "c-00104")["person"]["addresses"]) == before + 1
    bad = client.post(f"{CUSTOMERS}/c-00104/address", json={"address": "Main St"})
    assert {e["field"] for e in bad.json()["errors"]} == {"addressPurpose", "address"}


def test_documents_are_appended_and_validated(client: GatewayClient) -> None:
    before = client.get(f"{CUSTOMERS}/c-00105/documents").json()["documents"]
    new = {"purpose": "AML", "name": "source-of-funds.pdf", "documentType": "Proof of address"}
    response = client.post(f"{CUSTOMERS}/c-00105/documents", json={"documents": [new]})
    assert response.status_code == 200
    after = client.get(f"{CUSTOMERS}/c-00105/documents/AML").json()["documents"]
    assert after[-1]["name"] == "source-of-funds.pdf"
    assert after[-1]["status"] == "underverification"
    everything = client.get(f"{CUSTOMERS}/c-00105/documents").json()["documents"]
    assert len(everything) == len(before) + 1
    bad = client.post(
        f"{CUSTOMERS}/c-00105/documents",
        json={"documents": [{"purpose": "KYX", "name": "x", "documentType": "Photo"}]},
    )
    assert {e["field"] for e in bad.json()["errors"]} == {
        "documents[0].purpose",
        "documents[0].documentType",
    }


def test_writes_to_another_tenants_customer_are_403(client: GatewayClient) -> None:
    before = client.get(f"{CUSTOMERS}/c-02201", user="dave").json()
    response = client.post(
        f"{CUSTOMERS}/c-02201/kycConfirmation", json={"kycConfirmation": "rejected"}
    )
    assert response.status_code == 403
    assert client.get(f"{CUSTOMERS}/c-02201", user="dave").json() == before


def test_a_support_agent_may_read_customers_but_not_change_them(client: GatewayClient) -> None:
    before = _detail(client, "c-00120")
    assert client.get(f"{CUSTOMERS}/c-00120", user="carol").json() == before
    address = {"addressPurpose": "postal", "address": {"country": "GR", "city": "Patras"}}
    documents = client.get(f"{CUSTOMERS}/c-00120/documents").json()["documents"]
    writes: list[tuple[str, str, Any]] = [
        ("POST", "/update/c-00120/status/dispute", {}),
        ("POST", "/c-00120/kycConfirmation", {"kycConfirmation": "confirmed"}),
        ("POST", "/c-00120/pepCheckStatus", {"pepCheckStatus": "clear"}),
        ("POST", "/c-00120/revisions", {"comment": "x", "changes": {"email": "a@b.c"}}),
        ("POST", "/create", _new_person()),
        ("POST", "/createList", {"customers": [_new_person()]}),
        ("PUT", "/update/c-00120", {"customerName": "Renamed"}),
        ("POST", "/c-00120/address", address),
        ("POST", "/c-00120/documents", {"documents": documents[:1]}),
    ]
    for method, path, body in writes:
        response = client.call(method, CUSTOMERS + path, json=body, user="carol")
        assert response.status_code == 403, (path, response.text)
        assert "COMPLIANCE" in response.json()["message"]
    assert _detail(client, "c-00120") == before
    allowed = client.post(f"{CUSTOMERS}/update/c-00120/status/dispute", json={}, user="alice")
    assert allowed.status_code == 200
