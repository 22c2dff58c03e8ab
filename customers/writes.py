"""Customer writes: what each one sends to the gateway, the four-eyes flow, and the audit trail.

A write is described once as a `CustomerWrite`; it is either sent at once or, when the approval
policy says so, stored as a `ChangeRequest` until a different officer approves it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from backoffice import audit, write_pipeline
from backoffice.form_tokens import FormScope
from backoffice.gateway import paths
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.errors import GatewayError
from backoffice.gateway.paths import Endpoint
from backoffice.models import StaffMember
from backoffice.secret_fields import redact
from backoffice.staff import StaffIdentity
from backoffice.write_pipeline import Write

from . import reconcilers
from .approval_evidence import Drift, drift_since_requested
from .models import ACTION_LABELS, ChangeRequest
from .records import CustomerDetail
from .services import customer_detail

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
    """What became of a submitted write: applied at the gateway, or held for approval.
    `checked`: the gateway's answer was lost and reading the customer back found it applied."""

    answer: Any = None
    pending: ChangeRequest | None = None
    checked: bool = False


def ensure_customer_writer(identity: StaffIdentity) -> None:
    if not identity.can_write_customers:
        raise WriteRefused("Your role may read customers but not change them.")


def form_scope(action: str, customer_id: str = "") -> FormScope:
    """What a customer write form's token is bound to."""
    return FormScope(f"customer.{action}", "customer", customer_id)


def submit_write(
    auth: GatewayAuth,
    member: StaffMember,
    identity: StaffIdentity,
    write: CustomerWrite,
    form_token: str,
    *,
    before: CustomerDetail | None = None,
) -> WriteOutcome:
    """Through the write pipeline: the form token, the role, four-eyes, then one send.

    `before` is the customer as the officer's request read it, for reconciliation.
    """
    from .approval_policy import approval_policy

    scope = form_scope(write.action, write.customer_id)
    with write_pipeline.claim(
        auth, member, scope, form_token, permit=lambda: ensure_customer_writer(identity)
    ) as claimed:
        if approval_policy().requires_approval(write):
            change = request_approval(auth, member, write)
            claimed.hold("It is waiting for a second officer's approval.")
            return WriteOutcome(pending=change)
        sent = claimed.send(pipeline_write(write, before))
    return WriteOutcome(answer=sent.answer, checked=sent.checked)


def send_write(
    auth: GatewayAuth,
    member: StaffMember,
    write: CustomerWrite,
    *,
    once_key: str = "",
    before: CustomerDetail | None = None,
) -> Any:
    """Make the gateway call once (never retried) and leave one audit record either way.

    With `once_key` (an approval: "change-request:<id>") the send is claimed on that key, so a
    lost answer is reconciled like any form's; raises `OutcomeUnknown` (a GatewayError) then.
    """
    if not once_key:
        return write_pipeline.send_once(auth, member, pipeline_write(write, before))
    scope = form_scope(write.action, write.customer_id)
    with write_pipeline.claim_by_key(auth, member, scope, once_key) as claimed:
        return claimed.send(pipeline_write(write, before)).answer


def pipeline_write(write: CustomerWrite, before: CustomerDetail | None = None) -> Write:
    return Write(
        scope=form_scope(write.action, write.customer_id),
        endpoint=ENDPOINTS[write.action],
        path_params=write.path_params,
        json=write.body,
        summary=write.audit_summary(),
        expect=reconcilers.expectation(write.action, write.body, write.after, before),
        # A create: the record names the customer the gateway just made.
        created_id=created_customer_id if not write.customer_id else None,
    )


def created_customer_id(answer: Any) -> str:
    """The new customer's id from the create answer: a Customer, or `{"customer": Customer}`."""
    if isinstance(answer, dict) and isinstance(answer.get("customer"), dict):
        answer = answer["customer"]
    return str(answer.get("id") or "") if isinstance(answer, dict) else ""


class AlreadyPending(WriteRefused):
    """A request of the same kind for this customer already waits for a second officer."""

    def __init__(self, pending: ChangeRequest) -> None:
        self.pending = pending
        change = ", ".join(f"{line['before']} → {line['after']}" for line in pending.change_lines)
        super().__init__(
            f"{pending.action_label} ({change}, requested by {pending.maker}) already waits "
            f"for a second officer for {pending.customer_name}. Decide on it or withdraw it "
            "before requesting another; nothing was sent and nothing new was held."
        )


class StaleApproval(WriteRefused):
    """The customer no longer holds what the request started from; nothing was sent."""

    def __init__(self, change: ChangeRequest, drift: list[Drift]) -> None:
        self.change, self.drift = change, drift
        super().__init__(
            "Not applied: the customer changed after this request was made. "
            + " ".join(line.sentence() for line in drift)
            + " Nothing was sent; the request is closed as stale."
        )


def request_approval(auth: GatewayAuth, member: StaffMember, write: CustomerWrite) -> ChangeRequest:
    """Hold the write for a checker; a second pending request of the same kind is refused."""
    try:
        return _hold(auth, member, write)
    except IntegrityError:
        # The database's one-pending-per-customer-and-kind constraint, which also holds
        # between two processes submitting at the same moment.
        pending = (
            ChangeRequest.objects.filter(
                customer_id=write.customer_id,
                action=write.action,
                status=ChangeRequest.Status.PENDING,
            )
            .select_related("maker")
            .first()
        )
        if pending is None:
            raise
        raise AlreadyPending(pending) from None


def _hold(auth: GatewayAuth, member: StaffMember, write: CustomerWrite) -> ChangeRequest:
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


def ensure_may_decide(change: ChangeRequest, checker: StaffMember, identity: StaffIdentity) -> None:
    ensure_customer_writer(identity)
    if change.maker_id == checker.pk:
        raise WriteRefused("You requested this change; a different officer must decide on it.")


def approve(
    auth: GatewayAuth, checker: StaffMember, identity: StaffIdentity, change_id: int
) -> ChangeRequest:
    change = ChangeRequest.objects.select_related("maker").get(pk=change_id)
    ensure_may_decide(change, checker, identity)
    if not change.is_pending:
        raise WriteRefused("This request has already been decided or withdrawn.")
    # The checker approves against what the gateway holds now, not what the maker saw.
    customer = customer_detail(auth, change.customer_id)
    drift = drift_since_requested(change, customer)
    if drift:
        _close_as_stale(auth, checker, change, drift)
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
        send_write(
            auth,
            checker,
            write_of(change),
            once_key=f"change-request:{change.pk}",
            before=customer,
        )
    except GatewayError as error:
        change.outcome = f"{error.title}: {error.message}"[:300]
        changed = ["outcome"]
        # Approved and sent but the answer lost is not a failure: the pipeline reads it back.
        if not error.outcome_unknown:
            change.status = ChangeRequest.Status.FAILED
            changed.append("status")
        change.save(update_fields=changed)
        raise
    change.outcome = "Applied at the gateway."
    change.save(update_fields=["outcome"])
    return change


def _close_as_stale(
    auth: GatewayAuth, checker: StaffMember, change: ChangeRequest, drift: list[Drift]
) -> None:
    refusal = " ".join(line.sentence() for line in drift)
    with transaction.atomic():
        closed = _claim_pending(
            change.pk, status=ChangeRequest.Status.STALE, checker=checker, outcome=refusal[:300]
        )
        audit.record(
            staff=checker,
            action="approval.stale",
            target_type="customer",
            target_id=change.customer_id,
            summary={
                "change_request": change.pk,
                "maker": str(change.maker),
                "now": {line.field: line.now for line in drift},
                **write_of(change).audit_summary(),
            },
            request_id=auth.request_id,
            outcome="stale",
        )
    raise StaleApproval(closed, drift)


def reject(
    auth: GatewayAuth, checker: StaffMember, identity: StaffIdentity, change_id: int, note: str
) -> ChangeRequest:
    change = ChangeRequest.objects.get(pk=change_id)
    ensure_may_decide(change, checker, identity)
    if not note.strip():
        raise WriteRefused("A rejection needs a reason the maker can read.")
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
