"""Gateway customers and tickets for the search tests, secrets, documents and all."""

from __future__ import annotations

from typing import Any

PIN_CODE = "PIN-9931-never-indexed"
PASSWORD = "pw-never-indexed"
SECRET_ANSWER = "secret-answer-never-indexed"
TWOFA_CODE = "2FA-771100-never-indexed"
DATE_OF_BIRTH = "1981-05-30"
DOCUMENT_NAME = "passport-never-indexed.pdf"
STREET = "Never Indexed Street"
NEVER_STORED = (PIN_CODE, PASSWORD, SECRET_ANSWER, TWOFA_CODE, DATE_OF_BIRTH, DOCUMENT_NAME, STREET)


def customer(
    number: int,
    first: tuple[str, str],
    last: tuple[str, str],
    *,
    language: str = "en",
    status: str = "verified",
    customer_type: str = "Person",
    family_name_first: bool = False,
    **overrides: Any,
) -> dict[str, Any]:
    """A customer as the gateway lists it: names as (Latin, native)."""
    latin = f"{last[0]} {first[0]}" if family_name_first else f"{first[0]} {last[0]}"
    record: dict[str, Any] = {
        "id": f"c-{number:05d}",
        "customerType": customer_type,
        "customerName": latin,
        "customerStatus": status,
        "categorization": "category1",
        "organizationId": "org-007",
        "created": "2025-03-05T09:30:00Z",
        "person": {
            "firstName": {
                "name": first[0],
                "native": first[1],
                "language": language,
                "order": 2 if family_name_first else 1,
            },
            "lastName": {
                "name": last[0],
                "native": last[1],
                "language": language,
                "order": 1 if family_name_first else 2,
            },
            "fullName": latin,
            "dateOfBirth": DATE_OF_BIRTH,
            "email": f"{first[0].lower()}.{last[0].lower()}{number}@example.com",
            "pinCode": PIN_CODE,
            "password": PASSWORD,
            "telephoneNumbers": [{"phoneType": "mobile", "number": f"+44 8295{number:05d}"}],
            "addresses": [{"addressPurpose": "home", "address": {"street": STREET}}],
            "documents": [{"purpose": "KYC", "name": DOCUMENT_NAME, "status": "verified"}],
            "SecretQuestion": [{"question": "First pet?", "answer": SECRET_ANSWER}],
        },
        "twofa": {"targetType": "SMS", "targetCode": TWOFA_CODE, "inputCode": TWOFA_CODE},
    }
    record.update(overrides)
    return record


ISLA = customer(72, ("Isla", "Isla"), ("Wilson", "Wilson"))
GRACE = customer(73, ("Grace", "Grace"), ("Taylor", "Taylor"))
GEORGI = customer(74, ("Georgi", "Георги"), ("Ivanov", "Иванов"), language="bg")
HAO = customer(75, ("Hao", "浩"), ("Wang", "王"), language="zh", family_name_first=True)
MARIAM = customer(76, ("Mariam", "مريم"), ("Al-Masri", "المصري"), language="ar")
JURGEN = customer(77, ("Jürgen", "Jürgen"), ("Müller", "Müller"), language="de")
PAYLOAD = customer(78, ("<script>alert(1)</script>", "<b>x</b>"), ("Evil", "Evil"))
EVERYONE = [ISLA, GRACE, GEORGI, HAO, MARIAM, JURGEN, PAYLOAD]


def ticket(number: int, title: str, customer_id: str, **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"t-{number:05d}",
        "title": title,
        "description": "A description that is never indexed.",
        "status": "OPEN",
        "priority": "HIGH",
        "category": "PAYMENTS",
        "customerId": customer_id,
        "assigneeId": "u-carol",
        "createdAt": "2026-11-02T08:15:00.000Z",
        "updatedAt": "2026-11-02T08:15:00.000Z",
    }
    record.update(overrides)
    return record


TICKETS = [
    ticket(1, "SEPA transfer not received", "c-00072"),
    ticket(2, "Card blocked after three wrong PINs", "c-00073"),
    ticket(3, "<img src=x onerror=alert(1)> payload", "c-00078"),
]
