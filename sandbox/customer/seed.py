"""Deterministic seed data for the customer service.

``build_customers(rng)`` returns the rows; ``sandbox.customer.customers.seed`` writes them with
``executemany`` in one transaction. With ``random.Random(20261124)`` the data is identical on
every machine. Tenant ``finhub-demo`` gets 2,200 customers (c-00001..c-02200, organizations
org-001..org-330), tenant ``finhub-other`` 150 (c-02201..c-02350, org-331..org-352).
Notable: c-00007, c-00013 and c-00042 carry HTML/JS payloads; org-001 has the most members.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sandbox.customer import enums
from sandbox.customer.seed_data import (
    COMPANY_FORMS,
    COMPANY_TRADES,
    COMPANY_WORDS,
    LOCALES,
    PAYLOAD_CUSTOMERS,
    SECRET_QUESTIONS,
    SECRET_WORDS,
    Locale,
)

DEMO_TENANT = "finhub-demo"
OTHER_TENANT = "finhub-other"
COMPLIANCE_USERS = ("u-bob", "u-erin")

# Exact per-status counts for finhub-demo: uneven, every status well above 50.
DEMO_STATUS_COUNTS = {
    "new": 480,
    "verified": 760,
    "under_verificaiton": 270,
    "blacklisted": 90,
    "under_investigation": 140,
    "dispute": 110,
    "on_hold": 230,
    "bancrupted": 120,
}
DEMO_ORGANIZATIONS = 330
OTHER_CUSTOMERS = 150
OTHER_ORGANIZATIONS = 22

CREATED_FROM = datetime(2024, 1, 1, tzinfo=UTC)
CREATED_UNTIL = datetime(2026, 11, 20, 23, 59, 59, tzinfo=UTC)


def customer_id(seq: int) -> str:
    return f"c-{seq:05d}"


def organization_id(seq: int) -> str:
    return f"org-{seq:03d}"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class SeededCustomer:
    seq: int
    tenant: str
    detail: dict[str, Any]


@dataclass
class SeededOrganization:
    seq: int
    tenant: str
    customer_id: str
    name: str


def build(rng: random.Random) -> tuple[list[SeededCustomer], list[SeededOrganization]]:
    statuses = [status for status, count in DEMO_STATUS_COUNTS.items() for _ in range(count)]
    rng.shuffle(statuses)
    customers: list[SeededCustomer] = []
    organizations: list[SeededOrganization] = []
    _build_tenant(rng, DEMO_TENANT, statuses, DEMO_ORGANIZATIONS, 1, 1, customers, organizations)
    other_statuses = [rng.choice(enums.CUSTOMER_STATUSES) for _ in range(OTHER_CUSTOMERS)]
    _build_tenant(
        rng,
        OTHER_TENANT,
        other_statuses,
        OTHER_ORGANIZATIONS,
        len(customers) + 1,
        len(organizations) + 1,
        customers,
        organizations,
    )
    return customers, organizations


def _build_tenant(
    rng: random.Random,
    tenant: str,
    statuses: list[str],
    organization_count: int,
    first_seq: int,
    first_org_seq: int,
    customers: list[SeededCustomer],
    organizations: list[SeededOrganization],
) -> None:
    count = len(statuses)
    seqs = range(first_seq, first_seq + count)
    org_positions = set(rng.sample(range(count), organization_count))
    for seq in PAYLOAD_CUSTOMERS:  # payload customers are always people
        if seq - first_seq in org_positions:
            org_positions.remove(seq - first_seq)
            spare = next(
                p
                for p in range(count)
                if p not in org_positions and p + first_seq not in PAYLOAD_CUSTOMERS
            )
            org_positions.add(spare)
    org_ids = [organization_id(first_org_seq + n) for n in range(organization_count)]
    # Harmonic weights: the first organizations have many members, the tail only a few.
    weights = [1 / rank for rank in range(1, len(org_ids) + 1)]
    next_org = iter(org_ids)
    for position, seq in enumerate(seqs):
        locale = _pick_locale(rng)
        if position in org_positions:
            org_id = next(next_org)
            name = _company_name(rng)
            detail = _customer(rng, seq, locale, statuses[position], "Organization", org_id)
            detail["customerName"] = name
            organizations.append(SeededOrganization(int(org_id[4:]), tenant, detail["id"], name))
        else:
            member_of = None if rng.random() < 0.08 else rng.choices(org_ids, weights)[0]
            detail = _customer(rng, seq, locale, statuses[position], "Person", member_of)
        customers.append(SeededCustomer(seq, tenant, detail))


def _pick_locale(rng: random.Random) -> Locale:
    return rng.choices(LOCALES, [locale.weight for locale in LOCALES])[0]


def _company_name(rng: random.Random) -> str:
    return f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_TRADES)} {rng.choice(COMPANY_FORMS)}"


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.randrange(int((end - start).total_seconds())))


def _customer(
    rng: random.Random,
    seq: int,
    locale: Locale,
    status: str,
    customer_type: str,
    org_id: str | None,
) -> dict[str, Any]:
    cid = customer_id(seq)
    created = _moment(rng, CREATED_FROM, CREATED_UNTIL)
    person = _person(rng, seq, cid, locale, customer_type)
    twofa_type = rng.choice(enums.TWOFA_TARGET_TYPES)
    target_code = f"2FA-{rng.randrange(10**6):06d}"
    code_match = rng.random() < 0.8
    detail: dict[str, Any] = {
        "id": cid,
        "customerType": customer_type,
        "customerName": person["fullName"],
        "customerStatus": status,
        "categorization": rng.choice(enums.CATEGORIZATIONS),
        "notifications": [
            {"notificationType": "Marketingemails", "isEnabled": rng.random() < 0.4},
            {"notificationType": "Transactionalemails", "isEnabled": True},
            {"notificationType": "SMS", "isEnabled": rng.random() < 0.6},
        ],
        "person": person,
        "twofa": {
            "targetType": twofa_type,
            "targetValue": person["email"]
            if twofa_type == "Email"
            else person["telephoneNumbers"][0]["number"],
            "targetCode": target_code,
            "inputCode": target_code if code_match else f"2FA-{rng.randrange(10**6):06d}",
            "codematch": code_match,
        },
        "organizationId": org_id,
        "created": iso(created),
        "updated": iso(created),
        "kycConfirmation": _kyc(rng, status, created),
        "pepCheckStatus": _pep(rng, created),
        "revisions": _revisions(rng, created) if rng.random() < 0.04 else [],
    }
    return detail


def _person(
    rng: random.Random, seq: int, cid: str, locale: Locale, customer_type: str
) -> dict[str, Any]:
    gender = rng.choices(enums.GENDERS, [48, 48, 4])[0]
    pool = locale.female if gender == "Female" else locale.male
    first_latin, first_native = rng.choice(pool)
    surname = rng.choice(locale.surnames)
    last_latin, last_native = (
        (surname[2], surname[3]) if gender == "Female" and len(surname) == 4 else surname[:2]
    )
    payload = PAYLOAD_CUSTOMERS.get(seq)
    if payload is not None:
        first_latin = first_native = payload["first"]
        last_latin = last_native = payload["last"]
    email = (
        payload["email"]
        if payload
        else (f"{_ascii(first_latin)}.{_ascii(last_latin)}{seq}@example.com")
    )
    first_order, last_order = (2, 1) if locale.family_name_first else (1, 2)
    city = rng.choice(locale.cities)
    phones = [_phone(rng, locale, "personal")]
    if rng.random() < 0.4:
        phones.append(_phone(rng, locale, "work"))
    addresses = [_address_entry(rng, locale, city, "home", payload)]
    if rng.random() < 0.3:
        addresses.append(_address_entry(rng, locale, rng.choice(locale.cities), "postal", None))
    born = _moment(rng, datetime(1945, 1, 1, tzinfo=UTC), datetime(2005, 12, 31, tzinfo=UTC))
    return {
        "firstName": _name(first_latin, first_native, first_order, locale.language),
        "lastName": _name(last_latin, last_native, last_order, locale.language),
        "fullName": f"{first_latin} {last_latin}",
        "groupId": f"grp-{rng.randint(1, 40):03d}",
        "gender": gender,
        "dateOfBirth": born.date().isoformat(),
        "placeOfBirth": rng.choice(locale.cities).name,
        "nationality": locale.nationality,
        "pinCode": f"PIN-{rng.randrange(10**4):04d}",
        "password": f"pw-{rng.getrandbits(40):010x}",
        "email": email,
        "telephoneNumbers": phones,
        "addresses": addresses,
        "documents": _documents(rng, cid, customer_type, locale, payload),
        "SecretQuestion": [
            {
                "question": question,
                "answer": f"secret-answer-{rng.choice(SECRET_WORDS)}-{rng.randrange(1000):03d}",
            }
            for question in rng.sample(SECRET_QUESTIONS, rng.randint(1, 2))
        ],
    }


def _name(latin: str, native: str, order: int, language: str) -> dict[str, Any]:
    return {
        "name": latin,
        "order": order,
        "abbreviation": latin[:1] + ".",
        "language": language,
        "native": native,
        "suffix": "",
        "prefix": "",
    }


def _phone(rng: random.Random, locale: Locale, purpose: str) -> dict[str, Any]:
    return {
        "phoneType": "mobile" if purpose == "personal" or rng.random() < 0.3 else "fixed",
        "operator": rng.choice(locale.operators),
        "encoding": "numbers",
        "country": locale.nationality,
        "number": f"{locale.phone_prefix} {rng.randrange(10**9):09d}",
        "purpose": purpose,
    }


def _address_entry(
    rng: random.Random, locale: Locale, city: Any, purpose: str, payload: dict[str, str] | None
) -> dict[str, Any]:
    street = payload["street"] if payload else rng.choice(locale.streets)
    address: dict[str, Any] = {
        "country": city.country,
        "area": city.area,
        "zipCode": f"{rng.randrange(10000, 99999)}",
        "city": city.name,
        "street": street,
        "streetNumber": [str(rng.randint(1, 240))],
        "building": rng.choice(["", "A", "B", "North"]),
        "apartment": str(rng.randint(1, 40)) if rng.random() < 0.6 else "",
        "entrance": rng.choice(["", "1", "2"]),
        "floor": str(rng.randint(0, 9)),
        "doorNumber": str(rng.randint(1, 12)),
        "geoPosition": None,
        "alternative": {
            "word1": rng.choice(SECRET_WORDS),
            "word2": rng.choice(COMPANY_WORDS).lower(),
            "word3": rng.choice(COMPANY_TRADES).lower(),
        },
        "relatedToAddress": [],
        "additionalData": [{"name": "deliveryNotes", "type": "String", "value": "Ring twice"}],
    }
    if rng.random() < 0.4:
        address["geoPosition"] = {
            "latitude": round(city.latitude + rng.uniform(-0.05, 0.05), 6),
            "longitude": round(city.longitude + rng.uniform(-0.05, 0.05), 6),
            "altitude": rng.randint(0, 300),
        }
    if rng.random() < 0.2:
        address["relatedToAddress"] = [
            {"relationType": "near_by", "address": f"{rng.choice(locale.streets)} 1"}
        ]
    return {"addressPurpose": purpose, "address": address}


VERIFICATION_RESPONSES = {
    "underverification": "",
    "verified": "Document verified by automated check",
    "rejected": "Image is blurred; please upload a sharper copy",
    "expired": "Document validity date has passed",
}


def _documents(
    rng: random.Random,
    cid: str,
    customer_type: str,
    locale: Locale,
    payload: dict[str, str] | None,
) -> list[dict[str, Any]]:
    kinds: list[tuple[str, str]] = []
    if customer_type == "Organization":
        kinds.append(("KYB", "Company registration"))
    kinds.append(("KYC", rng.choice(["Passport", "ID front side"])))
    if kinds[-1][1] == "ID front side":
        kinds.append(("KYC", "ID back side"))
    if rng.random() < 0.5:
        kinds.append(("KYC", rng.choice(["Proof of address", "Selfie"])))
    if rng.random() < 0.1:
        kinds.append((rng.choice(["AML", "Other"]), "Proof of address"))
    documents = []
    for index, (purpose, document_type) in enumerate(kinds, start=1):
        status = rng.choices(enums.DOCUMENT_STATUSES, [30, 50, 10, 10])[0]
        slug = document_type.lower().replace(" ", "-")
        name = payload["document"] if payload and index == 1 else f"{slug}-{cid}.pdf"
        documents.append(
            {
                "purpose": purpose,
                "name": name,
                "documentType": document_type,
                "location": f"https://files.sandbox.finhub.invalid/{cid}/{index}-{slug}.pdf",
                "verificationResponse": VERIFICATION_RESPONSES[status],
                "status": status,
                "metadata": [
                    {"name": "pages", "type": "Number", "value": str(rng.randint(1, 3))},
                    {"name": "issuingCountry", "type": "String", "value": locale.nationality},
                ],
            }
        )
    return documents


def _kyc(rng: random.Random, status: str, created: datetime) -> dict[str, Any]:
    decided = None
    if status == "verified" and rng.random() < 0.9:
        decided = "confirmed"
    elif status in ("blacklisted", "bancrupted") and rng.random() < 0.6:
        decided = "rejected"
    if decided is None:
        return {"status": "pending", "comment": "", "by": None, "at": None}
    return {
        "status": decided,
        "comment": "Documents checked" if decided == "confirmed" else "Identity not confirmed",
        "by": rng.choice(COMPLIANCE_USERS),
        "at": iso(created + timedelta(days=rng.randint(1, 20))),
    }


def _pep(rng: random.Random, created: datetime) -> dict[str, Any]:
    status = rng.choices(enums.PEP_CHECK_STATUSES, [60, 30, 4, 6])[0]
    if status == "notchecked":
        return {"status": status, "comment": "", "by": None, "at": None}
    return {
        "status": status,
        "comment": {"clear": "No hits", "match": "Listed as PEP", "falsepositive": "Namesake"}[
            status
        ],
        "by": rng.choice(COMPLIANCE_USERS),
        "at": iso(created + timedelta(days=rng.randint(1, 30))),
    }


def _revisions(rng: random.Random, created: datetime) -> list[dict[str, Any]]:
    return [
        {
            "number": number,
            "comment": rng.choice(["Corrected street name", "Updated phone number"]),
            "changes": {"person.addresses[0].address.floor": str(rng.randint(0, 9))},
            "by": "u-alice",
            "at": iso(created + timedelta(days=number * 7)),
        }
        for number in range(1, rng.randint(1, 2) + 1)
    ]
