"""Parsing gateway JSON into customer records: secrets left behind, garbage survived."""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from backoffice.gateway.errors import GatewayBadResponse
from customers.records import (
    CustomerPage,
    parse_customer_detail,
    parse_customer_page,
    parse_customer_summary,
    parse_documents,
)

PIN_CODE = "pin-5531-never-shown"
PASSWORD = "pw-Tr0ub4dor-never-shown"
SECRET_ANSWER = "answer-Rex-the-dog-never-shown"
TARGET_CODE = "target-code-804412"
INPUT_CODE = "input-code-804413"
SECRETS = (PIN_CODE, PASSWORD, SECRET_ANSWER, TARGET_CODE, INPUT_CODE)


def customer_json(customer_id: str = "c-00042", **overrides: Any) -> dict[str, Any]:
    """A customer detail as the gateway answers it, secret fields included."""
    customer: dict[str, Any] = {
        "id": customer_id,
        "customerType": "Person",
        "customerName": "Maria Papadopoulou",
        "customerStatus": "verified",
        "categorization": "category1",
        "organizationId": "org-001",
        "created": "2024-03-05T09:30:00Z",
        "updated": "2024-06-01T12:00:00.123Z",
        "notifications": [{"notificationType": "Marketingemails", "isEnabled": True}],
        "person": {
            "firstName": {"name": "Maria", "native": "Μαρία", "language": "el", "order": 1},
            "lastName": {
                "name": "Papadopoulou",
                "native": "Παπαδοπούλου",
                "language": "el",
                "order": 2,
            },
            "fullName": "Maria Papadopoulou",
            "gender": "Female",
            "dateOfBirth": "1979-07-21",
            "placeOfBirth": "Thessaloniki",
            "nationality": "GR",
            "pinCode": PIN_CODE,
            "password": PASSWORD,
            "email": "maria@example.gr",
            "telephoneNumbers": [{"phoneType": "mobile", "number": "+306900000001"}],
            "addresses": [
                {
                    "addressPurpose": "home",
                    "address": {
                        "country": "GR",
                        "zipCode": "54624",
                        "city": "Thessaloniki",
                        "street": "Egnatia",
                        "streetNumber": ["15"],
                        "geoPosition": {"latitude": "40.63", "longitude": 22.94},
                    },
                }
            ],
            "documents": [{"name": "passport.pdf", "status": "verified"}],
            "SecretQuestion": [{"question": "Mother's maiden name?", "answer": SECRET_ANSWER}],
        },
        "twofa": {
            "targetType": "Email",
            "targetValue": "maria@example.gr",
            "targetCode": TARGET_CODE,
            "inputCode": INPUT_CODE,
            "codematch": False,
        },
        "kycConfirmation": {"status": "confirmed", "comment": "ok", "by": "u-erin", "at": None},
        "pepCheckStatus": {"status": "match", "comment": "Minister's spouse", "by": "u-bob"},
        "revisions": [{"number": 1, "comment": "Initial", "changes": {}, "by": "u-alice"}],
    }
    customer.update(overrides)
    return customer


def page_json(customers: list[Any], **pagination: Any) -> dict[str, Any]:
    return {"customers": customers, "pagination": pagination}


def dumped(record: object) -> str:
    return json.dumps(dataclasses.asdict(record), default=str, ensure_ascii=False)  # type: ignore[call-overload]


# Secrets


@pytest.mark.parametrize("wrapped", [False, True], ids=["bare", "wrapped in customer"])
def test_it_leaves_every_secret_field_behind(wrapped: bool) -> None:
    body = customer_json()
    detail = parse_customer_detail({"customer": body} if wrapped else body)
    everything = dumped(detail)
    assert "Papadopoulou" in everything
    assert "Μαρία" in everything
    for secret in SECRETS:
        assert secret not in everything
    assert detail.twofa_channel == "Email"


def test_a_list_row_leaves_every_secret_field_behind() -> None:
    everything = dumped(parse_customer_summary(customer_json()))
    assert "Maria Papadopoulou" in everything
    for secret in SECRETS:
        assert secret not in everything


def test_it_does_not_change_the_gateway_answer_it_reads() -> None:
    body = customer_json()
    before = copy.deepcopy(body)
    parse_customer_detail(body)
    assert body == before


# Reading fields


def test_it_reads_the_customer_the_way_staff_see_it() -> None:
    detail = parse_customer_detail(customer_json())
    assert detail.id == "c-00042"
    assert detail.name == "Maria Papadopoulou"
    assert detail.native_name == "Μαρία Παπαδοπούλου"
    assert detail.status_label == "Verified"
    assert detail.status_tone == "success"
    assert detail.organization_id == "org-001"
    assert detail.email == "maria@example.gr"
    assert detail.created == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    assert detail.kyc_label == "Confirmed"
    assert detail.pep_label == "Match"
    assert detail.pep_tone == "danger"
    assert detail.pep.comment == "Minister's spouse"
    assert detail.revisions[0].number == 1
    assert detail.notifications[0].enabled is True
    assert detail.person is not None
    assert detail.person.phones[0].type_label == "Mobile"
    address = detail.person.addresses[0]
    assert address.one_line == "Egnatia 15, 54624 Thessaloniki, GR"
    assert (address.latitude, address.longitude) == (40.63, 22.94)
    assert detail.person.documents[0].status_label == "Verified"


def test_it_names_a_customer_from_the_person_when_the_customer_name_is_missing() -> None:
    body = customer_json(customerName="")
    body["person"]["fullName"] = None
    assert parse_customer_detail(body).name == "Maria Papadopoulou"


def test_it_shows_an_unknown_enum_value_with_its_raw_spelling() -> None:
    detail = parse_customer_detail(customer_json(customerStatus="frozen"))
    assert detail.status_label == "frozen"
    assert detail.status_tone == "neutral"


def test_a_customer_with_only_an_id_still_reads() -> None:
    detail = parse_customer_detail({"id": "c-00001"})
    assert detail.name == "(no name)"
    assert detail.status_label == "—"
    assert detail.type_label == "—"
    assert detail.person is None
    assert detail.kyc.status == "pending"
    assert detail.pep.status == "notchecked"
    assert detail.revisions == ()
    assert detail.created is None


def test_kyc_and_pep_may_be_plain_strings() -> None:
    detail = parse_customer_detail(
        customer_json(kycConfirmation="rejected", pepCheckStatus="falsepositive")
    )
    assert detail.kyc_label == "Rejected"
    assert detail.pep_label == "False positive"


@pytest.mark.parametrize("body", [{}, {"id": ""}, {"id": None}, None, "c-00042", []])
def test_a_customer_without_an_id_is_a_bad_response(body: Any) -> None:
    with pytest.raises(GatewayBadResponse):
        parse_customer_detail(body)


def _garbage(path: str, value: Any) -> dict[str, Any]:
    body = customer_json()
    *parents, last = path.split(".")
    target = body
    for key in parents:
        target = target[key]
    target[last] = value
    return body


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("customerName", None),
        ("customerName", 12345),
        ("customerStatus", None),
        ("customerStatus", ["verified"]),
        ("created", None),
        ("created", 1709630000),
        ("created", "not a date"),
        ("notifications", None),
        ("notifications", ["Marketingemails", None, 3]),
        ("twofa", "SMS"),
        ("twofa", None),
        ("person", None),
        ("person", "Maria"),
        ("person.firstName", "Maria"),
        ("person.lastName", None),
        ("person.telephoneNumbers", "+306900000001"),
        ("person.telephoneNumbers", [None, "x", {"number": 306900000001}]),
        ("person.addresses", [None, "Egnatia 15", {"address": None}, {"address": "x"}]),
        ("person.addresses", [{"address": {"geoPosition": {"latitude": "north"}}}]),
        ("person.addresses", [{"address": {"geoPosition": {"latitude": "NaN"}}}]),
        ("person.addresses", [{"address": {"streetNumber": ["12", None, 3]}}]),
        ("person.documents", [None, 5, {"metadata": ["x", {"name": "n"}]}]),
        ("person.documents", {"name": "passport.pdf"}),
        ("kycConfirmation", None),
        ("kycConfirmation", 5),
        ("kycConfirmation", {"status": None, "at": "yesterday"}),
        ("pepCheckStatus", []),
        ("revisions", None),
        ("revisions", [None, "r1", {"number": None, "changes": "all of them"}]),
        ("revisions", [{"number": 2.0, "at": 17}]),
        pytest.param(
            "revisions",
            [{"number": "two", "comment": "typo in number"}],
        ),
        pytest.param(
            "created",
            "2024-02-30T10:00:00Z",
        ),
        pytest.param(
            "kycConfirmation",
            {"status": "confirmed", "at": "2024-13-01"},
        ),
    ],
)
def test_a_missing_or_garbage_field_does_not_stop_the_customer_being_read(
    path: str, value: Any
) -> None:
    detail = parse_customer_detail(_garbage(path, value))
    assert detail.id == "c-00042"
    assert isinstance(detail.name, str)
    assert isinstance(detail.status_label, str)
    for secret in SECRETS:
        assert secret not in dumped(detail)


# Pages


@pytest.mark.parametrize(
    ("count", "pagination", "first", "last", "has_previous", "has_next"),
    [
        (25, {"numberOfPage": 3, "totalSize": 60, "currentPage": 1}, 1, 25, False, True),
        (25, {"numberOfPage": 3, "totalSize": 60, "currentPage": 2}, 26, 50, True, True),
        (10, {"numberOfPage": 3, "totalSize": 60, "currentPage": 3}, 51, 60, True, False),
        (0, {"numberOfPage": 3, "totalSize": 60, "currentPage": 4}, 0, 0, True, False),
        (0, {"numberOfPage": 0, "totalSize": 0, "currentPage": 1}, 0, 0, False, False),
    ],
)
def test_a_page_knows_its_range_and_its_neighbours(
    count: int,
    pagination: dict[str, int],
    first: int,
    last: int,
    has_previous: bool,
    has_next: bool,
) -> None:
    customers = [customer_json(f"c-{n:05d}") for n in range(count)]
    page = parse_customer_page(page_json(customers, **pagination), page_size=25)
    assert (page.first_index, page.last_index) == (first, last)
    assert (page.has_previous, page.has_next) == (has_previous, has_next)
    assert page.total == pagination["totalSize"]
    assert page.pages >= 1


def test_a_page_without_pagination_is_one_page_of_what_it_holds() -> None:
    customers = [customer_json(f"c-{n:05d}") for n in range(3)]
    page = parse_customer_page({"customers": customers}, page_size=25)
    assert page == CustomerPage(customers=page.customers, total=3, page=1, page_size=25, pages=1)
    assert [c.id for c in page.customers] == ["c-00000", "c-00001", "c-00002"]
    assert (page.first_index, page.last_index, page.has_next) == (1, 3, False)


def test_a_page_works_out_the_page_count_when_the_gateway_leaves_it_out() -> None:
    customers = [customer_json(f"c-{n:05d}") for n in range(10)]
    page = parse_customer_page(page_json(customers, totalSize=60, currentPage=2), page_size=10)
    assert page.pages == 6
    assert (page.first_index, page.last_index) == (11, 20)
    assert page.has_next


def test_a_page_row_leaves_secrets_behind() -> None:
    page = parse_customer_page(page_json([customer_json()], totalSize=1), page_size=25)
    for secret in SECRETS:
        assert secret not in dumped(page)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"pagination": {"totalSize": 0}},
        {"customers": None},
        {"customers": {"c-00001": {}}},
        {"data": {"customers": []}},
        [],
        None,
        "customers",
    ],
)
def test_a_list_answer_without_a_customers_array_is_a_bad_response(body: Any) -> None:
    with pytest.raises(GatewayBadResponse):
        parse_customer_page(body, page_size=25)


def test_a_list_row_without_an_id_is_a_bad_response() -> None:
    with pytest.raises(GatewayBadResponse):
        parse_customer_page(page_json([customer_json(), {"customerName": "x"}]), page_size=25)


@pytest.mark.parametrize(
    "pagination",
    [{"totalSize": "lots"}, {"numberOfPage": "many"}, {"currentPage": "two"}],
)
def test_garbage_pagination_is_survived_or_reported_as_a_bad_response(
    pagination: dict[str, Any],
) -> None:
    try:
        page = parse_customer_page(page_json([customer_json()], **pagination), page_size=25)
    except GatewayBadResponse:
        return
    assert page.first_index >= 1
    assert page.pages >= 1


# Documents


@pytest.mark.parametrize("wrapped", [True, False], ids=["documents object", "bare list"])
def test_documents_read_from_either_shape(wrapped: bool) -> None:
    items = [
        {"name": "a.pdf", "status": "expired", "purpose": "AML", "documentType": "Passport"},
        {"name": "b.pdf", "status": "underverification"},
    ]
    documents = parse_documents({"documents": items} if wrapped else items)
    assert [(d.name, d.status_label, d.status_tone) for d in documents] == [
        ("a.pdf", "Expired", "warning"),
        ("b.pdf", "Under verification", "info"),
    ]


@pytest.mark.parametrize("body", [{}, {"documents": None}, None, "a.pdf"])
def test_a_documents_answer_without_a_documents_array_is_a_bad_response(body: Any) -> None:
    with pytest.raises(GatewayBadResponse):
        parse_documents(body)
