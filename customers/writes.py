"""Customer writes: what each one sends to the gateway, the four-eyes flow, and the audit trail.

A write is described once as a `CustomerWrite`; it is either sent at once or, when the approval
policy says so, stored as a `ChangeRequest` until a different officer approves it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.utils import timezone

from backoffice import audit
from backoffice.gateway import paths
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.connection import gateway_client
from backoffice.gateway.errors import GatewayError
from backoffice.gateway.paths import Endpoint
from backoffice.models import StaffMember
from backoffice.secret_fields import redact
from backoffice.staff import StaffIdentity

from .models import ACTION_LABELS, ChangeRequest

ENDPOINTS: dict[str, Endpoint] = {
    "status": paths.CUSTOMER_STATUS_UPDATE,
    "kyc": paths.CUSTOMER_KYC_CONFIRMATION,
    "pep": paths.CUSTOMER_PEP_CHECK,
    "revision": paths.CUSTOMER_REVISIONS,
    "address": paths.CUSTOMER_ADDRESS_CREATE,
    "documents": paths.CUSTOMER_DOCUMENTS_CREATE,
    "update": paths.CUSTOMER_UPDATE,
    "create": paths.CUSTOMER_CREATE,
}


class WriteRefused(Exception):
    """The back office itself refuses the write; nothing was sent to the gateway."""


@dataclass(frozen=True)
class CustomerWrite:
    action: str
    customer_id: str
    customer_name: str
    body: dict[str, Any]
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    reason: str = ""

    @property
    def path_params(self) -> dict[str, str]:
        if self.action == "create":
            return {}
        params = {"customer_id": self.customer_id}
        if self.action == "status":
            params["status"] = str(self.after["status"])
        return params

    @property
    def label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    def audit_summary(self) -> dict[str, Any]:
        return {
            "customer": self.customer_name,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "body": self.body,
        }


@dataclass(frozen=True)
class WriteOutcome:
    """What became of a submitted write: applied at the gateway, or held for approval."""

    answer: Any = None
    pending: ChangeRequest | None = None


def ensure_customer_writer(identity: StaffIdentity) -> None:
    if not identity.can_write_customers:
        raise WriteRefused("Your role may read customers but not change them.")


def submit_write(
    auth: GatewayAuth, member: StaffMember, identity: StaffIdentity, write: CustomerWrite
) -> WriteOutcome:
    from .approval_policy import approval_policy

    ensure_customer_writer(identity)
    if approval_policy().requires_approval(write):
        return WriteOutcome(pending=request_approval(auth, member, write))
    return WriteOutcome(answer=send_write(auth, member, write))


def send_write(auth: GatewayAuth, member: StaffMember, write: CustomerWrite) -> Any:
    """Make the gateway call once (never retried) and leave one audit record either way."""
    try:
        answer = gateway_client().call(
            ENDPOINTS[write.action], auth=auth, path_params=write.path_params, json=write.body
        )
    except GatewayError as error:
        _audit_write(member, write, auth.request_id, error=error)
        raise
    if not write.customer_id:
        # A create: the record names the customer the gateway just made.
        write = replace(write, customer_id=created_customer_id(answer))
    _audit_write(member, write, auth.request_id)
    return answer


def created_customer_id(answer: Any) -> str:
    """The new customer's id from the create answer: a Customer, or `{"customer": Customer}`."""
    if isinstance(answer, dict) and isinstance(answer.get("customer"), dict):
        answer = answer["customer"]
    return str(answer.get("id") or "") if isinstance(answer, dict) else ""


def _audit_write(
    member: StaffMember, write: CustomerWrite, request_id: str, error: GatewayError | None = None
) -> None:
    target_id = write.customer_id or "(new)"
    audit.record(
        staff=member,
        action=f"customer.{write.action}",
        target_type="customer",
        target_id=target_id,
        summary=write.audit_summary(),
        request_id=request_id,
        error=error,
    )


def request_approval(auth: GatewayAuth, member: StaffMember, write: CustomerWrite) -> ChangeRequest:
    with transaction.atomic():
        change = ChangeRequest.objects.create(
            customer_id=write.customer_id,
            customer_name=write.customer_name,
            action=write.action,
            path_params=write.path_params,
            body=redact(write.body),
            before=write.before,
            after=write.after,
            reason=write.reason,
            maker=member,
        )
        audit.record(
            staff=member,
            action="approval.requested",
            target_type="customer",
            target_id=write.customer_id,
            summary={"change_request": change.pk, **write.audit_summary()},
            request_id=auth.request_id,
            outcome="pending",
        )
    return change


def write_of(change: ChangeRequest) -> CustomerWrite:
    return CustomerWrite(
        action=change.action,
        customer_id=change.customer_id,
        customer_name=change.customer_name,
        body=change.body,
        before=change.before,
        after=change.after,
        reason=change.reason,
    )


def _claim_pending(change_id: int, **decision: Any) -> ChangeRequest:
    """Move a pending request on; only one of two racing decisions can win."""
    claimed = ChangeRequest.objects.filter(
        pk=change_id, status=ChangeRequest.Status.PENDING
    ).update(decided_at=timezone.now(), **decision)
    if not claimed:
        raise WriteRefused("This request has already been decided or withdrawn.")
    return ChangeRequest.objects.get(pk=change_id)


def _ensure_checker(change: ChangeRequest, checker: StaffMember, identity: StaffIdentity) -> None:
    ensure_customer_writer(identity)
    if change.maker_id == checker.pk:
        raise WriteRefused("You requested this change; a different officer must decide on it.")


def approve(
    auth: GatewayAuth, checker: StaffMember, identity: StaffIdentity, change_id: int
) -> ChangeRequest:
    change = ChangeRequest.objects.get(pk=change_id)
    _ensure_checker(change, checker, identity)
    change = _claim_pending(change_id, status=ChangeRequest.Status.APPROVED, checker=checker)
    audit.record(
        staff=checker,
        action="approval.approved",
        target_type="customer",
        target_id=change.customer_id,
        summary={
            "change_request": change.pk,
            "maker": str(change.maker),
            **write_of(change).audit_summary(),
        },
        request_id=auth.request_id,
    )
    try:
        send_write(auth, checker, write_of(change))
    except GatewayError as error:
        change.status = ChangeRequest.Status.FAILED
        change.outcome = f"{error.title}: {error.message}"
        change.save(update_fields=["status", "outcome"])
        raise
    change.outcome = "Applied at the gateway."
    change.save(update_fields=["outcome"])
    return change


def reject(
    auth: GatewayAuth, checker: StaffMember, identity: StaffIdentity, change_id: int, note: str
) -> ChangeRequest:
    change = ChangeRequest.objects.get(pk=change_id)
    _ensure_checker(change, checker, identity)
    change = _claim_pending(
        change_id, status=ChangeRequest.Status.REJECTED, checker=checker, decision_note=note
    )
    audit.record(
        staff=checker,
        action="approval.rejected",
        target_type="customer",
        target_id=change.customer_id,
        summary={
            "change_request": change.pk,
            "maker": str(change.maker),
            "note": note,
            **write_of(change).audit_summary(),
        },
        request_id=auth.request_id,
        outcome="rejected",
    )
    return change


def withdraw(auth: GatewayAuth, maker: StaffMember, change_id: int) -> ChangeRequest:
    change = ChangeRequest.objects.get(pk=change_id)
    if change.maker_id != maker.pk:
        raise WriteRefused("Only the officer who requested a change can withdraw it.")
    change = _claim_pending(change_id, status=ChangeRequest.Status.WITHDRAWN)
    audit.record(
        staff=maker,
        action="approval.withdrawn",
        target_type="customer",
        target_id=change.customer_id,
        summary={"change_request": change.pk, **write_of(change).audit_summary()},
        request_id=auth.request_id,
        outcome="withdrawn",
    )
    return change
