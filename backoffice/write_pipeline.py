"""The one write pipeline every customer and ticket write goes through:
form token → role and policy → send once → audit → reconcile.

    with write_pipeline.claim(auth, member, scope, token, permit=check_role) as claimed:
        sent = claimed.send(write)          # or claimed.hold("Held for approval.")

or in one call: `write_pipeline.submit(auth, member, write, token, permit=check_role)`.

A write is never retried. A definite failure leaves the form "failed" (it may be sent again);
a timeout or a dropped connection leaves it "outcome unknown": audited so, read back at once
and again on the next submit or page view, and no second send until the read-back tells.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.dispatch import Signal
from django.utils import timezone

from . import audit, form_tokens
from .form_tokens import AlreadySubmitted, FormScope, FormTokenRefused
from .gateway.client import GatewayAuth
from .gateway.connection import gateway_client
from .gateway.errors import GatewayError
from .gateway.paths import Endpoint
from .models import FormToken, StaffMember
from .write_reconciliation import Verdict, reconcile, settle_unknown

__all__ = [
    "AlreadySubmitted",
    "Claim",
    "FormScope",
    "FormTokenRefused",
    "OutcomeUnknown",
    "Sent",
    "StillChecking",
    "Write",
    "answer_resubmit",
    "claim",
    "send_once",
    "submit",
    "write_applied",
]

logger = logging.getLogger(__name__)

State = FormToken.State

# Sent after a write is known to be applied, with `write` and the gateway's `answer` (None
# when a read-back found it applied): apps keep what they derive from records (the search
# index) in step with their own writes. A receiver's failure never fails the write.
write_applied = Signal()


@dataclass(frozen=True)
class Write:
    """One gateway call, described: what it targets, what it sends, what it should leave."""

    scope: FormScope
    endpoint: Endpoint
    path_params: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    files: Any = None
    data: dict[str, Any] | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    # What a read-back must find (given to the action's registered reconciler).
    expect: dict[str, Any] = field(default_factory=dict)
    # A create: the new target's id, read from the gateway's answer, for the audit record.
    created_id: Callable[[Any], str] | None = None


@dataclass(frozen=True)
class Sent:
    """The write is applied. `checked`: its answer was lost, a read-back found it applied."""

    answer: Any = None
    checked: bool = False


class StillChecking(Exception):
    """An earlier submit of this form has an unknown outcome; nothing is sent until we know."""

    message = (
        "We don't know yet whether your earlier submit of this form was saved; we are "
        "checking. Nothing was sent again. Submit once more in a moment."
    )


class OutcomeUnknown(GatewayError):
    """The write was sent and its answer lost. `verdict` is what the immediate read-back said:
    NOT_APPLIED (nothing saved; the form may be sent again) or UNKNOWN (still checking)."""

    def __init__(self, error: GatewayError, verdict: Verdict) -> None:
        self.error = error
        self.verdict = verdict
        self.outcome_unknown = verdict is Verdict.UNKNOWN
        if verdict is Verdict.NOT_APPLIED:
            self.title = "Not saved"
            self.advice = "Nothing was changed; you may send it again."
            message = f"{error.title}. Reading the gateway back shows it was not saved."
        else:
            self.title = "We don't know yet whether it was saved"
            self.advice = "We are checking. Submitting again will not send it twice."
            message = (
                f"{error.title}. We don't know yet whether it was saved; we are checking by "
                "reading the gateway back."
            )
        super().__init__(message, status=error.status, request_id=error.request_id)


class Claim:
    """A form claimed for sending by this request: send it once, or hold it."""

    def __init__(self, auth: GatewayAuth, member: StaffMember, row: FormToken) -> None:
        self.auth, self.member, self.row = auth, member, row

    def send(self, write: Write) -> Sent:
        row = self.row
        form_tokens.move(
            row,
            State.IN_FLIGHT,
            from_state=State.IN_FLIGHT,
            sent_at=timezone.now(),
            expectation=write.expect,
        )
        try:
            answer = _call(self.auth, write)
        except GatewayError as error:
            if not error.outcome_unknown:
                form_tokens.move(row, State.FAILED, from_state=State.IN_FLIGHT)
                _audit(self.auth, self.member, write, error=error)
                raise
            form_tokens.move(row, State.OUTCOME_UNKNOWN, from_state=State.IN_FLIGHT)
            _audit(self.auth, self.member, write, error=error, outcome="outcome_unknown")
            verdict = reconcile(self.auth, self.member, row)
            if verdict is Verdict.APPLIED:
                _announce(write, None)
                return Sent(checked=True)
            raise OutcomeUnknown(error, verdict) from error
        except BaseException:
            # Not a gateway answer (a bug, an interrupt): whether it reached the gateway is
            # unknown, so it must be read back before anything is sent again.
            form_tokens.move(row, State.OUTCOME_UNKNOWN, from_state=State.IN_FLIGHT)
            raise
        form_tokens.move(row, State.APPLIED, from_state=State.IN_FLIGHT)
        _audit(self.auth, self.member, write, answer=answer)
        _announce(write, answer)
        return Sent(answer)

    def hold(self, note: str) -> None:
        """Handled without a gateway call (held for a second officer): a resubmit says so."""
        form_tokens.move(self.row, State.APPLIED, from_state=State.IN_FLIGHT, note=note)


def answer_resubmit(auth: GatewayAuth, member: StaffMember, scope: FormScope, token: str) -> None:
    """Before anything else about a submit (stale checks included): refuse a token that is not
    this person's for this form, and answer a second submit from what became of the first.

    Raises FormTokenRefused, StillChecking or AlreadySubmitted; returns when the form may be
    sent (never submitted, or failed). Reconciles this person's writes of unknown outcome on
    the target first. Only a hint: the claim itself is what makes racing submits send once.
    """
    nonce = form_tokens.nonce_of(member, scope, token)
    still_unknown = settle_unknown(auth, member, scope.target_type, scope.target_id)
    if any(row.action == scope.action for row in still_unknown):
        raise StillChecking()
    row = FormToken.objects.filter(token=nonce).first()
    if row is not None and row.state != State.FAILED:
        raise AlreadySubmitted(row)


@contextmanager
def claim(
    auth: GatewayAuth,
    member: StaffMember,
    scope: FormScope,
    token: str,
    *,
    permit: Callable[[], None] | None = None,
) -> Iterator[Claim]:
    """Check the token and the person, then claim the form; on leaving, a claim that neither
    sent nor held (an error before the call) is marked failed, so it may be sent again."""
    answer_resubmit(auth, member, scope, token)
    if permit is not None:
        permit()
    row = form_tokens.claim_for_sending(member, scope, token, request_id=auth.request_id)
    try:
        yield Claim(auth, member, row)
    finally:
        form_tokens.move(row, State.FAILED, from_state=State.IN_FLIGHT)


@contextmanager
def claim_by_key(
    auth: GatewayAuth, member: StaffMember, scope: FormScope, key: str
) -> Iterator[Claim]:
    """A claim on a server-side key instead of a form token (an approval sending its change
    request): the same once-only send, audit and reconciliation."""
    row = form_tokens.claim_key(member, scope, key, request_id=auth.request_id)
    try:
        yield Claim(auth, member, row)
    finally:
        form_tokens.move(row, State.FAILED, from_state=State.IN_FLIGHT)


def submit(
    auth: GatewayAuth,
    member: StaffMember,
    write: Write,
    token: str,
    *,
    permit: Callable[[], None] | None = None,
) -> Sent:
    with claim(auth, member, write.scope, token, permit=permit) as claimed:
        return claimed.send(write)


def send_once(auth: GatewayAuth, member: StaffMember, write: Write) -> Any:
    """A write whose once-ness is guarded elsewhere (files uploaded as one step of a claimed
    reply form): sent once and audited, its outcome carried by what guards it."""
    try:
        answer = _call(auth, write)
    except GatewayError as error:
        outcome = "outcome_unknown" if error.outcome_unknown else ""
        _audit(auth, member, write, error=error, outcome=outcome)
        raise
    _audit(auth, member, write, answer=answer)
    _announce(write, answer)
    return answer


def _announce(write: Write, answer: Any) -> None:
    for receiver, failure in write_applied.send_robust(Write, write=write, answer=answer):
        if isinstance(failure, Exception):
            logger.warning("after %s: %s failed: %r", write.scope.action, receiver, failure)


def _call(auth: GatewayAuth, write: Write) -> Any:
    return gateway_client().call(
        write.endpoint,
        auth=auth,
        path_params=dict(write.path_params),
        json=write.json,
        files=write.files,
        data=write.data,
    )


def _audit(
    auth: GatewayAuth,
    member: StaffMember,
    write: Write,
    *,
    answer: Any = None,
    error: GatewayError | None = None,
    outcome: str = "",
) -> None:
    scope = write.scope
    target_id = scope.target_id
    if write.created_id is not None and error is None and not outcome:
        target_id = write.created_id(answer) or target_id
    summary = write.summary
    if outcome and error is not None:
        # Not a failure: the gateway may have applied it; what went wrong is kept beside it.
        summary = {**summary, "error": error.kind, "gateway_status": error.status}
    audit.record(
        staff=member,
        action=scope.action,
        target_type=scope.target_type,
        target_id=target_id or "(new)",
        summary=summary,
        request_id=auth.request_id,
        error=None if outcome else error,
        outcome=outcome or "ok",
    )
