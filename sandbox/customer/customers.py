"""Customer handlers and routes: every read and write of the contract's table.

List endpoints share one filter body ``{type, created, status, pageNumber, pageSize}`` and
answer ``{"customers": [Customer], "pagination": {numberOfPage, totalSize, currentPage}}``.
List items are full Customer objects (secret fields included, as the real gateway sends them)
plus ``organizationId``, ``created`` and ``updated``. Every write bumps ``updated``.
"""

from __future__ import annotations

import copy
import math
import random
import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sandbox.customer import data, enums
from sandbox.customer import seed as seed_module
from sandbox.customer.validation import (
    check_enum,
    check_list,
    check_string,
    validate_address_entry,
    validate_customer,
    validate_document,
    validate_filter,
)
from sandbox.http import Request, bad_request, field_error, forbidden, not_found
from sandbox.routing import Router

BASE = "/customer/2.0.0"
SCHEMA = data.SCHEMA
SECRET_PERSON_FIELDS = ("pinCode", "password")
SECRET_TWOFA_FIELDS = ("targetCode", "inputCode")
# Fields a client may not set through create / update; the sandbox owns them.
SERVER_FIELDS = ("id", "created", "updated", "kycConfirmation", "pepCheckStatus", "revisions")
CHANNEL_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def seed_database(connection: sqlite3.Connection, rng: random.Random) -> None:
    customers, organizations = seed_module.build(rng)
    data.insert_customers(
        connection,
        (data.customer_row(c.seq, c.tenant, c.detail) for c in customers),
    )
    data.insert_organizations(
        connection,
        (
            (seed_module.organization_id(o.seq), o.seq, o.tenant, o.customer_id, o.name)
            for o in organizations
        ),
    )


# ---- helpers ------------------------------------------------------------------------------


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _touch(detail: dict[str, Any]) -> None:
    """Bump ``updated``, strictly later than before, so clients can detect stale writes."""
    stamp = now_iso()
    previous = detail.get("updated") or ""
    if stamp <= previous:
        moment = datetime.fromisoformat(previous.replace("Z", "+00:00"))
        stamp = (
            (moment + timedelta(milliseconds=1))
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z")
        )
    detail["updated"] = stamp


def _load_own(connection: sqlite3.Connection, request: Request, customer_id: str) -> dict[str, Any]:
    found = data.load(connection, customer_id)
    if found is None:
        raise not_found(f"Customer {customer_id} not found")
    tenant, detail = found
    if tenant != request.user.tenant_id:
        raise forbidden(f"Customer {customer_id} belongs to another tenant")
    return detail


def _read_customer(request: Request) -> dict[str, Any]:
    with request.store.read() as connection:
        return _load_own(connection, request, request.params["customerId"])


def _check_organization(
    connection: sqlite3.Connection, request: Request, organization_id: str, field_name: str
) -> None:
    tenant = data.organization_tenant(connection, organization_id)
    if tenant is None:
        raise bad_request([field_error(field_name, "unknown organization")])
    if tenant != request.user.tenant_id:
        raise forbidden(f"Organization {organization_id} belongs to another tenant")


def sepa_id(customer_id: str) -> str:
    number = int(customer_id.removeprefix("c-"))
    return f"FH{(number * 7_919_113 + 4_211) % 10**12:012d}"


# ---- reads --------------------------------------------------------------------------------


def _list(request: Request, **fixed: str | None) -> dict[str, Any]:
    filters, page_number, page_size, errors = validate_filter(request.json_object())
    if errors:
        raise bad_request(errors)
    criteria = {
        "customer_type": filters["type"],
        "status": filters["status"],
        "created_from": filters["created"],
    }
    criteria.update(fixed)
    with request.store.read() as connection:
        details, total = data.page(
            connection,
            request.user.tenant_id,
            page_number=page_number,
            page_size=page_size,
            **criteria,
        )
    return {
        "customers": [data.as_customer(detail) for detail in details],
        "pagination": {
            "numberOfPage": math.ceil(total / page_size),
            "totalSize": total,
            "currentPage": page_number,
        },
    }


def by_status(request: Request) -> dict[str, Any]:
    status = request.params["customerStatus"]
    errors = check_enum(status, enums.CUSTOMER_STATUSES, "customerStatus", required=True)
    if errors:
        raise bad_request(errors, f"Unknown customer status {status}")
    return _list(request, status=status)


def by_type(request: Request) -> dict[str, Any]:
    customer_type = request.params["customerType"]
    errors = check_enum(customer_type, enums.CUSTOMER_TYPES, "customerType", required=True)
    if errors:
        raise bad_request(errors, f"Unknown customer type {customer_type}")
    return _list(request, customer_type=customer_type)


def _check_organization_path(request: Request) -> str:
    organization_id = request.params["organizationId"]
    with request.store.read() as connection:
        tenant = data.organization_tenant(connection, organization_id)
    if tenant is None:
        raise not_found(f"Organization {organization_id} not found")
    if tenant != request.user.tenant_id:
        raise forbidden(f"Organization {organization_id} belongs to another tenant")
    return organization_id


def by_organization(request: Request) -> dict[str, Any]:
    return _list(request, organization_id=_check_organization_path(request))


def organization_customers(request: Request) -> list[dict[str, Any]]:
    organization_id = _check_organization_path(request)
    with request.store.read() as connection:
        details, _ = data.page(connection, request.user.tenant_id, organization_id=organization_id)
    return [{"customer": data.as_customer(detail)} for detail in details]


def all_by_tenant(request: Request) -> dict[str, Any]:
    return _list(request)


def customer_detail(request: Request) -> dict[str, Any]:
    return _read_customer(request)


def documents(request: Request) -> dict[str, Any]:
    return {"documents": _read_customer(request)["person"].get("documents") or []}


def documents_by_purpose(request: Request) -> dict[str, Any]:
    purpose = request.params["purpose"]
    errors = check_enum(purpose, enums.DOCUMENT_PURPOSES, "purpose", required=True)
    if errors:
        raise bad_request(errors, f"Unknown document purpose {purpose}")
    every = _read_customer(request)["person"].get("documents") or []
    return {"documents": [document for document in every if document.get("purpose") == purpose]}


def customer_sepa_id(request: Request) -> dict[str, str]:
    return {"sepaId": sepa_id(_read_customer(request)["id"])}


def customer_sepa_id_for_channel(request: Request) -> dict[str, str]:
    channel = request.params["communicationChannel"]
    if not CHANNEL_PATTERN.match(channel):
        raise bad_request([field_error("communicationChannel", "must be letters, digits, - or _")])
    return {"sepaId": f"{sepa_id(_read_customer(request)['id'])}-{channel.upper()}"}


# ---- writes -------------------------------------------------------------------------------


def update_status(request: Request) -> dict[str, Any]:
    status = request.params["status"]
    request.json()  # the gateway takes the customer object; the sandbox only reads the path
    errors = check_enum(status, enums.CUSTOMER_STATUSES, "customerStatus", required=True)
    if errors:
        raise bad_request(errors, f"Unknown customer status {status}")
    with request.store.write() as connection:
        detail = _load_own(connection, request, request.params["customerId"])
        detail["customerStatus"] = status
        _touch(detail)
        data.save(connection, detail)
    return {"customer": data.as_customer(detail)}


def _decision_writer(field: str, allowed: tuple[str, ...]) -> Callable[[Request], dict[str, Any]]:
    def handler(request: Request) -> dict[str, Any]:
        body = request.json_object()
        errors = check_enum(body.get(field), allowed, field, required=True)
        errors += check_string(body.get("comment"), "comment", required=False)
        if errors:
            raise bad_request(errors)
        with request.store.write() as connection:
            detail = _load_own(connection, request, request.params["customerId"])
            detail[field] = {
                "status": body[field],
                "comment": body.get("comment") or "",
                "by": request.user.user_id,
                "at": now_iso(),
            }
            _touch(detail)
            data.save(connection, detail)
        return detail

    handler.__name__ = f"update_{field}"
    return handler


update_kyc = _decision_writer("kycConfirmation", enums.KYC_CONFIRMATIONS)
update_pep = _decision_writer("pepCheckStatus", enums.PEP_CHECK_STATUSES)


def add_revision(request: Request) -> dict[str, Any]:
    body = request.json_object()
    errors = check_string(body.get("comment"), "comment", required=False)
    if not isinstance(body.get("changes"), dict):
        errors.append(field_error("changes", "must be an object of field: value"))
    if errors:
        raise bad_request(errors)
    with request.store.write() as connection:
        detail = _load_own(connection, request, request.params["customerId"])
        revisions = detail.setdefault("revisions", [])
        revisions.append(
            {
                "number": len(revisions) + 1,
                "comment": body.get("comment") or "",
                "changes": body["changes"],
                "by": request.user.user_id,
                "at": now_iso(),
            }
        )
        _touch(detail)
        data.save(connection, detail)
    return detail


def _new_detail(
    connection: sqlite3.Connection, request: Request, body: dict[str, Any], prefix: str
) -> tuple[int, dict[str, Any]]:
    seq = data.next_sequence(connection, "customers")
    stamp = now_iso()
    fields = {key: value for key, value in body.items() if key not in SERVER_FIELDS}
    person = copy.deepcopy(fields.pop("person", None) or {})
    for key in ("telephoneNumbers", "addresses", "documents", "SecretQuestion"):
        person.setdefault(key, [])
    detail: dict[str, Any] = {
        "id": seed_module.customer_id(seq),
        "customerStatus": "new",
        "categorization": "category1",
        "notifications": [],
        "twofa": None,
        **fields,
        "person": person,
        "organizationId": fields.get("organizationId"),
        "created": stamp,
        "updated": stamp,
        "kycConfirmation": {"status": "pending", "comment": "", "by": None, "at": None},
        "pepCheckStatus": {"status": "notchecked", "comment": "", "by": None, "at": None},
        "revisions": [],
    }
    if detail["customerType"] == "Organization":
        # An Organization customer is itself an organization, with a fresh org id.
        org_seq = data.next_sequence(connection, "organizations")
        detail["organizationId"] = seed_module.organization_id(org_seq)
        data.insert_organizations(
            connection,
            [
                (
                    detail["organizationId"],
                    org_seq,
                    request.user.tenant_id,
                    detail["id"],
                    detail["customerName"],
                )
            ],
        )
    elif detail["organizationId"]:
        _check_organization(
            connection, request, detail["organizationId"], prefix + "organizationId"
        )
    return seq, detail


def _insert_new(
    connection: sqlite3.Connection, request: Request, body: dict[str, Any], prefix: str
) -> dict[str, Any]:
    seq, detail = _new_detail(connection, request, body, prefix)
    data.insert_customers(connection, [data.customer_row(seq, request.user.tenant_id, detail)])
    return data.as_customer(detail)


def _check_no_id(body: Any, prefix: str) -> list[dict[str, str]]:
    if isinstance(body, dict) and body.get("id"):
        return [field_error(prefix + "id", "must not be set on create")]
    return []


def create(request: Request) -> dict[str, Any]:
    body = request.json_object()
    errors = validate_customer(body) + _check_no_id(body, "")
    if errors:
        raise bad_request(errors)
    with request.store.write() as connection:
        return _insert_new(connection, request, body, "")


def create_list(request: Request) -> dict[str, Any]:
    value = request.json_object().get("customers")
    errors = check_list(value, "customers", required=True)
    items: list[Any] = value if isinstance(value, list) else []
    if not errors and not items:
        errors.append(field_error("customers", "must not be empty"))
    for index, item in enumerate(items):
        prefix = f"customers[{index}]."
        errors += validate_customer(item, prefix) + _check_no_id(item, prefix)
    if errors:
        raise bad_request(errors)
    with request.store.write() as connection:
        created = [
            _insert_new(connection, request, item, f"customers[{index}].")
            for index, item in enumerate(items)
        ]
    return {"customers": created}


def update(request: Request) -> dict[str, Any]:
    body = request.json_object()
    customer_id = request.params["customerId"]
    errors = validate_customer(body, partial=True)
    if body.get("id") not in (None, "", customer_id):
        errors.append(field_error("id", "does not match the path"))
    if errors:
        raise bad_request(errors)
    with request.store.write() as connection:
        detail = _load_own(connection, request, customer_id)
        organization_id = body.get("organizationId")
        if (
            organization_id
            and organization_id != detail.get("organizationId")
            and detail["customerType"] == "Person"
        ):
            _check_organization(connection, request, organization_id, "organizationId")
        _merge(detail, body)
        _touch(detail)
        data.save(connection, detail)
    return {"customer": data.as_customer(detail)}


def _merge(detail: dict[str, Any], body: dict[str, Any]) -> None:
    """Apply a PUT body; fields it leaves out, and secret fields it omits, stay as they were."""
    for key, value in body.items():
        if key in SERVER_FIELDS or (key in ("person", "twofa") and value is None):
            continue
        if key == "organizationId" and detail["customerType"] == "Organization":
            continue
        if key == "person" and isinstance(value, dict):
            detail["person"] = _merge_person(detail.get("person") or {}, value)
        elif key == "twofa" and isinstance(value, dict):
            old = detail.get("twofa") or {}
            merged = {**old, **value}
            for secret in SECRET_TWOFA_FIELDS:
                if value.get(secret) in (None, "") and secret in old:
                    merged[secret] = old[secret]
            detail["twofa"] = merged
        else:
            detail[key] = value


def _merge_person(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    merged = {**old, **new}
    for secret in SECRET_PERSON_FIELDS:
        if new.get(secret) in (None, "") and secret in old:
            merged[secret] = old[secret]
    if isinstance(new.get("SecretQuestion"), list):
        answers = {
            item.get("question"): item.get("answer")
            for item in old.get("SecretQuestion") or []
            if isinstance(item, dict)
        }
        merged["SecretQuestion"] = [
            {**item, "answer": answers.get(item.get("question"))}
            if isinstance(item, dict) and item.get("answer") in (None, "")
            else item
            for item in new["SecretQuestion"]
        ]
    return merged


def add_address(request: Request) -> dict[str, Any]:
    body = request.json_object()
    errors = validate_address_entry(body)
    if errors:
        raise bad_request(errors)
    with request.store.write() as connection:
        detail = _load_own(connection, request, request.params["customerId"])
        person = detail.setdefault("person", {}) or {}
        person.setdefault("addresses", []).append(
            {"addressPurpose": body["addressPurpose"], "address": body["address"]}
        )
        detail["person"] = person
        _touch(detail)
        data.save(connection, detail)
    return detail


def add_documents(request: Request) -> dict[str, Any]:
    value = request.json_object().get("documents")
    errors = check_list(value, "documents", required=True)
    items: list[Any] = value if isinstance(value, list) else []
    if not errors and not items:
        errors.append(field_error("documents", "must not be empty"))
    for index, item in enumerate(items):
        errors += validate_document(item, f"documents[{index}].")
    if errors:
        raise bad_request(errors)
    with request.store.write() as connection:
        detail = _load_own(connection, request, request.params["customerId"])
        person = detail.get("person") or {}
        stored = person.setdefault("documents", [])
        for item in items:
            stored.append({"status": "underverification", "metadata": [], **item})
        detail["person"] = person
        _touch(detail)
        data.save(connection, detail)
    return {"documents": stored}


OFFICER_ROLES = frozenset({"ADMIN", "COMPLIANCE"})


def officers_only(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
    """Customer writes are for compliance officers and admins; a support agent only reads."""

    def guarded(request: Request) -> Any:
        if not OFFICER_ROLES & set(request.user.roles):
            raise forbidden("Only a COMPLIANCE officer or an ADMIN may change customers")
        return handler(request)

    guarded.__name__ = handler.__name__
    return guarded


def register(router: Router) -> None:
    add = router.add
    add("POST", BASE + "/getByCustomerStatus/{customerStatus}", by_status)
    add("POST", BASE + "/getByCustomerType/{customerType}", by_type)
    add("POST", BASE + "/getByOrganization/{organizationId}", by_organization)
    add("GET", BASE + "/organization/getCustomers/{organizationId}", organization_customers)
    add("POST", BASE + "/getAllByTenantId", all_by_tenant)
    add("GET", BASE + "/{customerId}", customer_detail)
    add("GET", BASE + "/{customerId}/documents", documents)
    add("GET", BASE + "/{customerId}/documents/{purpose}", documents_by_purpose)
    add("GET", BASE + "/{customerId}/sepaId", customer_sepa_id)
    add("GET", BASE + "/{customerId}/sepaId/{communicationChannel}", customer_sepa_id_for_channel)
    add("POST", BASE + "/update/{customerId}/status/{status}", officers_only(update_status))
    add("POST", BASE + "/{customerId}/kycConfirmation", officers_only(update_kyc))
    add("POST", BASE + "/{customerId}/pepCheckStatus", officers_only(update_pep))
    add("POST", BASE + "/{customerId}/revisions", officers_only(add_revision))
    add("POST", BASE + "/create", officers_only(create))
    add("POST", BASE + "/createList", officers_only(create_list))
    add("PUT", BASE + "/update/{customerId}", officers_only(update))
    add("POST", BASE + "/{customerId}/address", officers_only(add_address))
    add("POST", BASE + "/{customerId}/documents", officers_only(add_documents))
