"""Customer data as the back office holds it, parsed from gateway JSON in one place.

Secret fields (pinCode, password, secret answers, 2FA codes) are never copied out of the
gateway's answer, so no template, log line or cache can ever show them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from backoffice.gateway.errors import GatewayBadResponse
from backoffice.gateway.json_fields import PageNumbers, as_moment, page_numbers
from backoffice.gateway.json_fields import as_dict as _dict
from backoffice.gateway.json_fields import as_int as _int
from backoffice.gateway.json_fields import as_list as _list
from backoffice.gateway.json_fields import as_text as _text
from backoffice.secret_fields import redact

from . import enums
from .ids import GATEWAY_ID_PATTERN

Json = dict[str, Any]


@dataclass(frozen=True)
class PersonName:
    name: str
    native: str = ""
    language: str = ""
    prefix: str = ""
    suffix: str = ""

    @property
    def native_differs(self) -> bool:
        return bool(self.native) and self.native != self.name


@dataclass(frozen=True)
class Phone:
    phone_type: str
    number: str
    country: str = ""
    operator: str = ""
    purpose: str = ""

    @property
    def type_label(self) -> str:
        return enums.label(enums.PHONE_TYPES, self.phone_type)


@dataclass(frozen=True)
class Address:
    purpose: str
    country: str = ""
    area: str = ""
    zip_code: str = ""
    city: str = ""
    street: str = ""
    street_number: str = ""
    building: str = ""
    apartment: str = ""
    floor: str = ""
    latitude: float | None = None
    longitude: float | None = None

    @property
    def one_line(self) -> str:
        street = " ".join(part for part in (self.street, self.street_number) if part)
        unit = ", ".join(
            part
            for part in (
                f"building {self.building}" if self.building else "",
                f"floor {self.floor}" if self.floor else "",
                f"apt {self.apartment}" if self.apartment else "",
            )
            if part
        )
        town = " ".join(part for part in (self.zip_code, self.city) if part)
        return ", ".join(part for part in (street, unit, town, self.area, self.country) if part)


@dataclass(frozen=True)
class MetadataItem:
    name: str
    type: str
    value: str


@dataclass(frozen=True)
class Document:
    purpose: str
    name: str
    document_type: str
    status: str
    location: str = ""
    verification_response: str = ""
    metadata: tuple[MetadataItem, ...] = ()

    @property
    def status_label(self) -> str:
        return enums.label(enums.DOCUMENT_STATUSES, self.status)

    @property
    def status_tone(self) -> str:
        return enums.DOCUMENT_STATUS_TONES.get(self.status, "neutral")


@dataclass(frozen=True)
class Notification:
    notification_type: str
    enabled: bool


@dataclass(frozen=True)
class Check:
    """A KYC confirmation or PEP check as last recorded at the gateway."""

    status: str
    comment: str = ""
    by: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class Revision:
    number: int
    comment: str
    changes: dict[str, Any]
    by: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class Person:
    first_name: PersonName
    last_name: PersonName
    full_name: str = ""
    gender: str = ""
    date_of_birth: str = ""
    place_of_birth: str = ""
    nationality: str = ""
    email: str = ""
    phones: tuple[Phone, ...] = ()
    addresses: tuple[Address, ...] = ()
    documents: tuple[Document, ...] = ()

    @property
    def native_full_name(self) -> str:
        natives = [n.native or n.name for n in (self.first_name, self.last_name) if n.name]
        if not any(n.native_differs for n in (self.first_name, self.last_name)):
            return ""
        return " ".join(natives)


@dataclass(frozen=True)
class CustomerSummary:
    """One row of a customer list."""

    id: str
    name: str
    customer_type: str
    status: str
    categorization: str = ""
    email: str = ""
    native_name: str = ""
    organization_id: str = ""
    created: datetime | None = None

    @property
    def status_label(self) -> str:
        return enums.label(enums.CUSTOMER_STATUSES, self.status)

    @property
    def status_tone(self) -> str:
        return enums.STATUS_TONES.get(self.status, "neutral")

    @property
    def has_page(self) -> bool:
        """Whether the id can be put in a URL of ours; odd ids are shown but not linked."""
        return bool(GATEWAY_ID_PATTERN.fullmatch(self.id))

    @property
    def type_label(self) -> str:
        return enums.label(enums.CUSTOMER_TYPES, self.customer_type)


@dataclass(frozen=True)
class CustomerDetail(CustomerSummary):
    person: Person | None = None
    notifications: tuple[Notification, ...] = ()
    kyc: Check = field(default_factory=lambda: Check("pending"))
    pep: Check = field(default_factory=lambda: Check("notchecked"))
    revisions: tuple[Revision, ...] = ()
    updated: datetime | None = None
    twofa_channel: str = ""

    @property
    def kyc_label(self) -> str:
        return enums.label(enums.KYC_CONFIRMATIONS, self.kyc.status)

    @property
    def kyc_tone(self) -> str:
        return enums.KYC_TONES.get(self.kyc.status, "neutral")

    @property
    def pep_label(self) -> str:
        return enums.label(enums.PEP_CHECK_STATUSES, self.pep.status)

    @property
    def pep_tone(self) -> str:
        return enums.PEP_TONES.get(self.pep.status, "neutral")


@dataclass(frozen=True)
class CustomerPage(PageNumbers):
    customers: tuple[CustomerSummary, ...]
    total: int
    page: int
    page_size: int
    pages: int

    @property
    def item_count(self) -> int:
        return len(self.customers)


def parse_name(data: Any) -> PersonName:
    data = _dict(data)
    return PersonName(
        name=_text(data.get("name")),
        native=_text(data.get("native")),
        language=_text(data.get("language")),
        prefix=_text(data.get("prefix")),
        suffix=_text(data.get("suffix")),
    )


def parse_address(entry: Any) -> Address:
    entry = _dict(entry)
    data = _dict(entry.get("address")) if "address" in entry else entry
    geo = _dict(data.get("geoPosition"))
    street_number = data.get("streetNumber")
    if isinstance(street_number, list):
        street_number = " ".join(_text(part) for part in street_number)
    return Address(
        purpose=_text(entry.get("addressPurpose")),
        country=_text(data.get("country")),
        area=_text(data.get("area")),
        zip_code=_text(data.get("zipCode")),
        city=_text(data.get("city")),
        street=_text(data.get("street")),
        street_number=_text(street_number),
        building=_text(data.get("building")),
        apartment=_text(data.get("apartment")),
        floor=_text(data.get("floor")),
        latitude=_number(geo.get("latitude")),
        longitude=_number(geo.get("longitude")),
    )


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def parse_document(data: Any) -> Document:
    data = _dict(data)
    return Document(
        purpose=_text(data.get("purpose")),
        name=_text(data.get("name")),
        document_type=_text(data.get("documentType")),
        status=_text(data.get("status")),
        location=_text(data.get("location")),
        verification_response=_text(data.get("verificationResponse")),
        metadata=tuple(
            MetadataItem(_text(m.get("name")), _text(m.get("type")), _text(m.get("value")))
            for m in _list(data.get("metadata"))
            if isinstance(m, dict)
        ),
    )


def parse_phone(data: Any) -> Phone:
    data = _dict(data)
    return Phone(
        phone_type=_text(data.get("phoneType")),
        number=_text(data.get("number")),
        country=_text(data.get("country")),
        operator=_text(data.get("operator")),
        purpose=_text(data.get("purpose")),
    )


def parse_person(data: Any) -> Person | None:
    if not isinstance(data, dict):
        return None
    return Person(
        first_name=parse_name(data.get("firstName")),
        last_name=parse_name(data.get("lastName")),
        full_name=_text(data.get("fullName")),
        gender=_text(data.get("gender")),
        date_of_birth=_text(data.get("dateOfBirth")),
        place_of_birth=_text(data.get("placeOfBirth")),
        nationality=_text(data.get("nationality")),
        email=_text(data.get("email")),
        phones=tuple(parse_phone(p) for p in _list(data.get("telephoneNumbers"))),
        addresses=tuple(parse_address(a) for a in _list(data.get("addresses"))),
        documents=tuple(parse_document(d) for d in _list(data.get("documents"))),
    )


def parse_check(data: Any, default_status: str) -> Check:
    if isinstance(data, str):
        return Check(status=data)
    data = _dict(data)
    return Check(
        status=_text(data.get("status")) or default_status,
        comment=_text(data.get("comment")),
        by=_text(data.get("by")),
        at=as_moment(data.get("at")),
    )


def _summary_fields(data: Json) -> dict[str, Any]:
    if not isinstance(data, dict) or not data.get("id"):
        raise GatewayBadResponse("The gateway sent a customer without an id.")
    person = _dict(data.get("person"))
    first, last = parse_name(person.get("firstName")), parse_name(person.get("lastName"))
    name = _text(data.get("customerName")) or _text(person.get("fullName"))
    if not name:
        name = " ".join(part for part in (first.name, last.name) if part)
    native = ""
    if first.native_differs or last.native_differs:
        native = " ".join(n.native or n.name for n in (first, last) if n.name)
    return {
        "id": _text(data.get("id")),
        "name": name or "(no name)",
        "customer_type": _text(data.get("customerType")),
        "status": _text(data.get("customerStatus")),
        "categorization": _text(data.get("categorization")),
        "email": _text(person.get("email") or data.get("email")),
        "native_name": native,
        "organization_id": _text(data.get("organizationId")),
        "created": as_moment(data.get("created")),
    }


def parse_customer_summary(data: Any) -> CustomerSummary:
    return CustomerSummary(**_summary_fields(data))


def parse_customer_detail(data: Any) -> CustomerDetail:
    if isinstance(data, dict) and isinstance(data.get("customer"), dict):
        data = data["customer"]
    return CustomerDetail(
        **_summary_fields(data),
        person=parse_person(data.get("person")),
        notifications=tuple(
            Notification(_text(n.get("notificationType")), bool(n.get("isEnabled")))
            for n in _list(data.get("notifications"))
            if isinstance(n, dict)
        ),
        kyc=parse_check(data.get("kycConfirmation"), "pending"),
        pep=parse_check(data.get("pepCheckStatus"), "notchecked"),
        revisions=tuple(
            Revision(
                number=_int(r.get("number"), 0),
                comment=_text(r.get("comment")),
                changes=redact(_dict(r.get("changes"))),
                by=_text(r.get("by")),
                at=as_moment(r.get("at")),
            )
            for r in _list(data.get("revisions"))
            if isinstance(r, dict)
        ),
        updated=as_moment(data.get("updated")),
        twofa_channel=_text(_dict(data.get("twofa")).get("targetType")),
    )


def parse_customer_page(body: Any, *, page_size: int) -> CustomerPage:
    if not isinstance(body, dict) or not isinstance(body.get("customers"), list):
        raise GatewayBadResponse("The gateway's customer list has no 'customers' array.")
    customers = tuple(parse_customer_summary(item) for item in body["customers"])
    return CustomerPage(
        customers=customers,
        page_size=page_size,
        **page_numbers(body.get("pagination"), item_count=len(customers), page_size=page_size),
    )


def parse_documents(body: Any) -> tuple[Document, ...]:
    if isinstance(body, dict):
        body = body.get("documents")
    if not isinstance(body, list):
        raise GatewayBadResponse("The gateway's document list has no 'documents' array.")
    return tuple(parse_document(item) for item in body)
