"""How to find each customer write at the gateway after its answer was lost (reconciliation).

Each write leaves an expectation (built here, from the write and the customer as it was just
before); each reconciler reads the customer back and says whether the write is there.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from backoffice.gateway import paths
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.connection import gateway_client
from backoffice.write_reconciliation import ReconcileCase, reconciler

from . import services
from .records import Address, CustomerDetail, Document

# Gateway and app clocks may differ a little; a record stamped this much before the send may
# still be ours.
CLOCK_SKEW = timedelta(minutes=2)


def _address_key(purpose: str, street: str, city: str, zip_code: str, country: str) -> str:
    return "|".join(part.strip().casefold() for part in (purpose, street, city, zip_code, country))


def _key_of_address(address: Address) -> str:
    return _address_key(
        address.purpose, address.street, address.city, address.zip_code, address.country
    )


def _key_of_document(document: Document) -> str:
    return "|".join((document.purpose, document.name, document.document_type))


def _addresses(customer: CustomerDetail) -> list[Address]:
    return list(customer.person.addresses) if customer.person else []


def _documents(customer: CustomerDetail) -> Counter[str]:
    documents = customer.person.documents if customer.person else ()
    return Counter(_key_of_document(d) for d in documents)


def expectation(
    action: str, body: dict[str, Any], after: dict[str, Any], before: CustomerDetail | None
) -> dict[str, Any]:
    """What the customer must show once this write is applied."""
    if action == "status":
        return {"status": after["status"]}
    if action in ("kyc", "pep"):
        return {"value": after[action], "comment": body.get("comment", "")}
    if action == "revision":
        return {"comment": body["comment"], "changes": body["changes"]}
    if action == "address":
        address = body["address"]
        key = _address_key(
            body["addressPurpose"],
            str(address.get("street") or ""),
            str(address.get("city") or ""),
            str(address.get("zipCode") or ""),
            str(address.get("country") or ""),
        )
        known = [_key_of_address(a) for a in _addresses(before)] if before else []
        return {"key": key, "count_before": known.count(key)}
    if action == "documents":
        keys = [
            "|".join((str(d.get("purpose")), str(d.get("name")), str(d.get("documentType"))))
            for d in body["documents"]
        ]
        documents_before = _documents(before) if before else Counter[str]()
        return {"keys": keys, "count_before": {key: documents_before[key] for key in keys}}
    if action == "update":
        return {"values": after}
    if action == "create":
        return {"name": body.get("customerName", ""), "type": body.get("customerType", "")}
    return {}


def _recent(at: datetime | None, case: ReconcileCase) -> bool:
    return at is None or at >= case.sent_at - CLOCK_SKEW


@reconciler("customer.status")
def status_applied(auth: GatewayAuth, case: ReconcileCase) -> bool:
    return bool(services.customer_detail(auth, case.target_id).status == case.expectation["status"])


def _check_applied(check_name: str) -> Any:
    def applied(auth: GatewayAuth, case: ReconcileCase) -> bool:
        check = getattr(services.customer_detail(auth, case.target_id), check_name)
        wanted = case.expectation
        return bool(
            check.status == wanted["value"]
            and check.comment == wanted["comment"]
            and _recent(check.at, case)
        )

    return applied


reconciler("customer.kyc")(_check_applied("kyc"))
reconciler("customer.pep")(_check_applied("pep"))


@reconciler("customer.revision")
def revision_applied(auth: GatewayAuth, case: ReconcileCase) -> bool:
    wanted = case.expectation
    return any(
        revision.comment == wanted["comment"]
        and revision.changes == wanted["changes"]
        and _recent(revision.at, case)
        for revision in services.customer_detail(auth, case.target_id).revisions
    )


@reconciler("customer.address")
def address_applied(auth: GatewayAuth, case: ReconcileCase) -> bool:
    customer = services.customer_detail(auth, case.target_id)
    now = [_key_of_address(a) for a in _addresses(customer)]
    return now.count(case.expectation["key"]) > int(case.expectation["count_before"])


@reconciler("customer.documents")
def documents_applied(auth: GatewayAuth, case: ReconcileCase) -> bool:
    now = _documents(services.customer_detail(auth, case.target_id))
    before: dict[str, int] = case.expectation["count_before"]
    return all(now[key] > before.get(key, 0) for key in case.expectation["keys"])


@reconciler("customer.update")
def update_applied(auth: GatewayAuth, case: ReconcileCase) -> bool:
    from .customer_edit_form import editable_values, parse_editable_customer

    answer = gateway_client().call(
        paths.CUSTOMER_DETAIL, auth=auth, path_params={"customer_id": case.target_id}
    )
    values = editable_values(parse_editable_customer(answer))
    wanted: dict[str, Any] = case.expectation["values"]
    return all(values.get(name) == value for name, value in wanted.items())


@reconciler("customer.create")
def create_applied(auth: GatewayAuth, case: ReconcileCase) -> bool:
    since = (case.sent_at - CLOCK_SKEW).date()
    page = services.list_customers(
        auth, services.CustomerFilters(status="new", created_since=since, page_size=100)
    )
    wanted = case.expectation
    return any(
        c.name == wanted["name"] and c.customer_type == wanted["type"] and _recent(c.created, case)
        for c in page.customers
    )
