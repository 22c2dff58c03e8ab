"""Reading customers from the gateway. Views call these; nothing here knows about HTTP requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from backoffice.gateway import paths
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.concurrent import read_concurrently
from backoffice.gateway.connection import gateway_client
from backoffice.gateway.errors import GatewayBadResponse, GatewayError, GatewayNotFound
from backoffice.staff_directory import staff_names

from .records import (
    CustomerDetail,
    CustomerPage,
    CustomerSummary,
    Document,
    parse_customer_detail,
    parse_customer_page,
    parse_customer_summary,
    parse_documents,
)


@dataclass(frozen=True)
class CustomerFilters:
    status: str = ""
    customer_type: str = ""
    organization_id: str = ""
    created_since: date | None = None
    page: int = 1
    page_size: int = 25


@dataclass(frozen=True)
class CustomerProfile:
    """Everything the customer page shows; a section the gateway could not give carries an error."""

    customer: CustomerDetail
    documents: tuple[Document, ...]
    documents_error: GatewayError | None
    sepa_id: str
    sepa_error: GatewayError | None
    # Names for the staff ids in KYC, PEP and revision records; empty if the directory is down.
    staff_names: dict[str, str] = field(default_factory=dict)


def list_customers(auth: GatewayAuth, filters: CustomerFilters) -> CustomerPage:
    """One page of customers, through whichever list endpoint narrows the most."""
    body = {
        "type": filters.customer_type,
        "created": filters.created_since.isoformat() if filters.created_since else "",
        "status": filters.status,
        "pageNumber": filters.page,
        "pageSize": filters.page_size,
    }
    if filters.organization_id:
        endpoint, params = (
            paths.CUSTOMERS_BY_ORGANIZATION,
            {"organization_id": filters.organization_id},
        )
    elif filters.status:
        endpoint, params = paths.CUSTOMERS_BY_STATUS, {"status": filters.status}
    elif filters.customer_type:
        endpoint, params = paths.CUSTOMERS_BY_TYPE, {"customer_type": filters.customer_type}
    else:
        endpoint, params = paths.CUSTOMERS_OF_TENANT, {}
    answer = gateway_client().call(endpoint, auth=auth, path_params=params, json=body)
    return parse_customer_page(answer, page_size=filters.page_size)


def organization_customers(auth: GatewayAuth, organization_id: str) -> tuple[CustomerSummary, ...]:
    """Every customer of one organization, as the gateway lists them (`[{"customer": ...}]`)."""
    answer = gateway_client().call(
        paths.ORGANIZATION_CUSTOMERS, auth=auth, path_params={"organization_id": organization_id}
    )
    if isinstance(answer, dict) and isinstance(answer.get("customers"), list):
        answer = answer["customers"]
    if not isinstance(answer, list):
        raise GatewayBadResponse("The gateway's organization customers are not a list.")
    return tuple(
        parse_customer_summary(
            item["customer"]
            if isinstance(item, dict) and isinstance(item.get("customer"), dict)
            else item
        )
        for item in answer
    )


def customer_detail(auth: GatewayAuth, customer_id: str) -> CustomerDetail:
    answer = gateway_client().call(
        paths.CUSTOMER_DETAIL, auth=auth, path_params={"customer_id": customer_id}
    )
    return parse_customer_detail(answer)


def customer_documents(
    auth: GatewayAuth, customer_id: str, purpose: str = ""
) -> tuple[Document, ...]:
    if purpose:
        endpoint = paths.CUSTOMER_DOCUMENTS_BY_PURPOSE
        params = {"customer_id": customer_id, "purpose": purpose}
    else:
        endpoint, params = paths.CUSTOMER_DOCUMENTS, {"customer_id": customer_id}
    return parse_documents(gateway_client().call(endpoint, auth=auth, path_params=params))


def customer_sepa_id(auth: GatewayAuth, customer_id: str) -> str:
    answer = gateway_client().call(
        paths.CUSTOMER_SEPA_ID, auth=auth, path_params={"customer_id": customer_id}
    )
    return str(answer.get("sepaId") or "") if isinstance(answer, dict) else ""


def customer_profile(auth: GatewayAuth, customer_id: str) -> CustomerProfile:
    """The customer page's reads, made at the same time."""
    outcomes = read_concurrently(
        {
            "customer": lambda: customer_detail(auth, customer_id),
            "documents": lambda: customer_documents(auth, customer_id),
            "sepa": lambda: customer_sepa_id(auth, customer_id),
            "staff": lambda: staff_names(auth),
        }
    )
    customer = outcomes["customer"].unwrap()
    documents, sepa = outcomes["documents"], outcomes["sepa"]
    return CustomerProfile(
        customer=customer,
        documents=documents.value or (),
        documents_error=documents.error,
        sepa_id=sepa.value or "",
        sepa_error=None if isinstance(sepa.error, GatewayNotFound) else sepa.error,
        staff_names=outcomes["staff"].value or {},
    )
