"""Form tokens: each write form is sent at most once at a time, and a second submit is answered
truthfully from what became of the first.

A token is signed and names its person, action and target, so issuing one costs nothing and a
token from customer A's form (or from the KYC form) is refused on customer B (or on the status
action). Submitting claims it: a row is created, or a failed row is taken back, by one atomic
statement, so of two racing submits exactly one sends, whatever the number of processes.

States: issued (no row yet) → in flight → applied | failed | outcome unknown; failed may be
claimed again; outcome unknown becomes applied or failed once a read-back tells.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import FormToken, StaffMember

SALT = "backoffice.form-token"
MAX_AGE_SECONDS = 12 * 3600
State = FormToken.State


@dataclass(frozen=True)
class FormScope:
    """What a form writes: the audit action and its target ("" target id for a create)."""

    action: str
    target_type: str
    target_id: str = ""

    @property
    def bound_to(self) -> str:
        return f"{self.action}|{self.target_type}|{self.target_id}"


class FormTokenRefused(Exception):
    """The token is not this person's token for this form; nothing was sent."""

    message = (
        "This form does not belong to this page (or has expired); nothing was sent. "
        "Check the values below and submit again."
    )


class AlreadySubmitted(Exception):
    """This form was submitted before; the message says truthfully what became of it."""

    def __init__(self, row: FormToken) -> None:
        self.row = row
        self.state = row.state
        self.message = already_submitted_message(row)
        super().__init__(self.message)


def already_submitted_message(row: FormToken) -> str:
    if row.state == State.IN_FLIGHT:
        return (
            "This form is still being sent; nothing was sent again. "
            "Wait a moment and reload the page to see the result."
        )
    if row.state == State.APPLIED:
        return "Already saved; nothing was sent again. " + (row.note or "")
    if row.state == State.OUTCOME_UNKNOWN:
        return (
            "We don't know yet whether your earlier submit of this form was saved; we are "
            "checking. Nothing was sent again. Submit once more in a moment."
        )
    return "This form was submitted before; nothing was sent again."


def issue_form_token(staff: StaffMember, scope: FormScope) -> str:
    return signing.dumps(
        {"nonce": secrets.token_urlsafe(16), "staff": staff.pk, "for": scope.bound_to}, salt=SALT
    )


def nonce_of(staff: StaffMember, scope: FormScope, token: str) -> str:
    """The token's id, if it was issued to this person for this form; else refused."""
    try:
        payload: Any = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature as refused:
        raise FormTokenRefused() from refused
    if (
        not isinstance(payload, dict)
        or payload.get("staff") != staff.pk
        or payload.get("for") != scope.bound_to
    ):
        raise FormTokenRefused()
    return str(payload.get("nonce"))


def token_state(staff: StaffMember, scope: FormScope, token: str) -> str:
    row = FormToken.objects.filter(token=nonce_of(staff, scope, token)).first()
    return row.state if row is not None else State.ISSUED


def claim_for_sending(
    staff: StaffMember, scope: FormScope, token: str, *, request_id: str
) -> FormToken:
    """Mark the form in flight, or raise AlreadySubmitted: exactly one of racing submits wins."""
    return claim_key(staff, scope, nonce_of(staff, scope, token), request_id=request_id)


def claim_key(staff: StaffMember, scope: FormScope, nonce: str, *, request_id: str) -> FormToken:
    """`claim_for_sending` for a key the server made (no signed token to check)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return FormToken.objects.create(
                token=nonce,
                staff=staff,
                action=scope.action,
                target_type=scope.target_type,
                target_id=scope.target_id,
                state=State.IN_FLIGHT,
                used_at=now,
                updated_at=now,
                request_id=request_id,
            )
    except IntegrityError:
        pass
    # Submitted before: only a try known to have failed may be sent again.
    taken_back = FormToken.objects.filter(token=nonce, state=State.FAILED).update(
        state=State.IN_FLIGHT, updated_at=now, sent_at=None, request_id=request_id, note=""
    )
    row = FormToken.objects.get(token=nonce)
    if taken_back:
        return row
    raise AlreadySubmitted(row)


def move(row: FormToken, to: str, *, from_state: str, **fields: Any) -> bool:
    """Move a claimed form on, only if it is still where we left it (a conditional update)."""
    moved = FormToken.objects.filter(pk=row.pk, state=from_state).update(
        state=to, updated_at=timezone.now(), **fields
    )
    if moved:
        row.state = to
        for name, value in fields.items():
            setattr(row, name, value)
    return bool(moved)


def unknown_outcomes(
    staff: StaffMember, target_type: str, target_id: str | None
) -> list[FormToken]:
    """This person's writes on a target (None: on any of that type) whose outcome is not yet
    known, oldest first."""
    rows = FormToken.objects.filter(
        staff=staff, target_type=target_type, state=State.OUTCOME_UNKNOWN
    )
    if target_id is not None:
        rows = rows.filter(target_id=target_id)
    return list(rows.order_by("used_at", "pk"))


def unsettled_exist(
    staff: StaffMember, target_type: str, target_id: str | None, *, older_than_seconds: float
) -> bool:
    """Whether this person has a write on a target whose outcome is unknown or that was left in
    flight longer than any send can take: what `settle_unknown` would act on."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    rows = FormToken.objects.filter(staff=staff, target_type=target_type).filter(
        Q(state=State.OUTCOME_UNKNOWN) | Q(state=State.IN_FLIGHT, updated_at__lt=cutoff)
    )
    if target_id is not None:
        rows = rows.filter(target_id=target_id)
    return rows.exists()


def give_up_on_abandoned(
    staff: StaffMember, target_type: str, target_id: str | None, *, older_than_seconds: float
) -> int:
    """Forms left in flight longer than any send can take (the process died mid-send) become
    "outcome unknown", so a read-back settles them instead of blocking the form for ever."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    rows = FormToken.objects.filter(
        staff=staff, target_type=target_type, state=State.IN_FLIGHT, updated_at__lt=cutoff
    )
    if target_id is not None:
        rows = rows.filter(target_id=target_id)
    return rows.update(state=State.OUTCOME_UNKNOWN, updated_at=timezone.now())
