"""What a checker sees before deciding: the customer as the gateway holds it now, beside the change.

Also the rule that refuses a stale approval: a request whose "before" no longer holds at the
gateway is not applied, whatever it still reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from backoffice.audit_views import AuditRow
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.concurrent import read_concurrently
from backoffice.gateway.errors import GatewayError
from backoffice.models import AuditRecord

from . import enums
from .models import VALUE_LABELS, ChangeRequest
from .records import CustomerDetail, Document
from .services import customer_detail, customer_documents

RECENT_AUDIT = 10
FIELD_NAMES = {"status": "Status", "kyc": "KYC confirmation", "pep": "PEP check"}


def current_values(customer: CustomerDetail) -> dict[str, str]:
    """The customer's checked values, keyed as a change request's before/after are."""
    return {"status": customer.status, "kyc": customer.kyc.status, "pep": customer.pep.status}


@dataclass(frozen=True)
class Drift:
    """One value that moved since the request was made: requested before → after, and now."""

    field: str
    name: str
    requested_before: str
    requested_after: str
    now: str

    @property
    def labels(self) -> dict[str, str]:
        values = VALUE_LABELS.get(self.field, {})
        return {
            "before": enums.label(values, self.requested_before),
            "after": enums.label(values, self.requested_after),
            "now": enums.label(values, self.now),
        }

    def sentence(self) -> str:
        labels = self.labels
        return (
            f"{self.name} is now {labels['now']}; the request was "
            f"{labels['before']} → {labels['after']}."
        )

    def as_record(self) -> dict[str, str]:
        return {
            "field": self.field,
            "requested_before": self.requested_before,
            "requested_after": self.requested_after,
            "now": self.now,
        }


def drift_since_requested(change: ChangeRequest, customer: CustomerDetail) -> list[Drift]:
    """Every checked value whose "before" in the request no longer holds at the gateway."""
    now = current_values(customer)
    return [
        Drift(
            field=key,
            name=FIELD_NAMES[key],
            requested_before=str(change.before.get(key) or ""),
            requested_after=str(change.after.get(key) or ""),
            now=now[key],
        )
        for key in sorted(change.before)
        if key in now and str(change.before.get(key) or "") != now[key]
    ]


@dataclass(frozen=True)
class ChangeRow:
    """One line of the change as the decision screen shows it, with the value held now."""

    name: str
    before: str
    after: str
    now: str
    moved: bool


def change_rows(change: ChangeRequest, customer: CustomerDetail | None) -> tuple[ChangeRow, ...]:
    now = current_values(customer) if customer is not None else {}
    rows = []
    for key in sorted(set(change.before) | set(change.after)):
        values = VALUE_LABELS.get(key, {})
        before = str(change.before.get(key) or "")
        held = now.get(key)
        rows.append(
            ChangeRow(
                name=FIELD_NAMES.get(key, key),
                before=enums.label(values, before),
                after=enums.label(values, str(change.after.get(key) or "")),
                now="—" if held is None else enums.label(values, held),
                moved=held is not None and key in change.before and held != before,
            )
        )
    return tuple(rows)


@dataclass(frozen=True)
class DecisionEvidence:
    """The decision screen's facts; a part the gateway could not give carries its error."""

    customer: CustomerDetail | None
    customer_error: GatewayError | None
    documents: tuple[Document, ...]
    documents_error: GatewayError | None
    recent_audit: tuple[AuditRow, ...]
    drift: tuple[Drift, ...]
    rows: tuple[ChangeRow, ...]


def recent_audit(customer_id: str) -> tuple[AuditRow, ...]:
    records = AuditRecord.objects.filter(target_type="customer", target_id=customer_id)
    return tuple(AuditRow(record) for record in records.order_by("-at", "-id")[:RECENT_AUDIT])


def decision_evidence(auth: GatewayAuth, change: ChangeRequest) -> DecisionEvidence:
    """The customer and its documents, read at the same time, and the customer's audit trail."""
    outcomes = read_concurrently(
        {
            "customer": lambda: customer_detail(auth, change.customer_id),
            "documents": lambda: customer_documents(auth, change.customer_id),
        }
    )
    customer, documents = outcomes["customer"], outcomes["documents"]
    drift = drift_since_requested(change, customer.value) if customer.value else []
    return DecisionEvidence(
        customer=customer.value,
        customer_error=customer.error,
        documents=documents.value or (),
        documents_error=documents.error,
        recent_audit=recent_audit(change.customer_id),
        drift=tuple(drift),
        rows=change_rows(change, customer.value),
    )
