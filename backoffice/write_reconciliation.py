"""Reconciliation: after a write whose answer was lost, read the gateway back to learn whether
it was applied.

Each app registers, per audit action, a reconciler: given the target, what the write should
have left behind (`expectation`) and when it was sent, it reads the gateway and says whether it
finds the write (True) or not (False). Not finding it is only taken as "not applied" once the
settle time has passed since the send, because a gateway that answered late may still be
applying it. A failed read leaves the outcome unknown.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from . import audit, form_tokens
from .gateway.client import GatewayAuth
from .gateway.errors import GatewayError, GatewayUnauthorized
from .models import FormToken, StaffMember

logger = logging.getLogger("backoffice.writes")
State = FormToken.State


class Verdict(enum.Enum):
    APPLIED = "applied"
    NOT_APPLIED = "not applied"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ReconcileCase:
    """One write to look for: on which target, by whom, sent when, leaving what behind."""

    target_id: str
    staff_user_id: str
    sent_at: datetime
    expectation: dict[str, Any]


# True: found applied; False: not there; None: cannot tell from what the gateway holds.
Reconciler = Callable[[GatewayAuth, ReconcileCase], bool | None]
RECONCILERS: dict[str, Reconciler] = {}


def reconciler(action: str) -> Callable[[Reconciler], Reconciler]:
    """Register how to find a write of this audit action at the gateway."""

    def register(find: Reconciler) -> Reconciler:
        RECONCILERS[action] = find
        return find

    return register


def settle_seconds() -> float:
    return float(settings.GATEWAY_WRITE_SETTLE_SECONDS)


def reconcile(auth: GatewayAuth, member: StaffMember, row: FormToken) -> Verdict:
    """Read back one write of unknown outcome; record and audit a verdict once there is one."""
    find = RECONCILERS.get(row.action)
    sent_at = row.sent_at or row.used_at
    case = ReconcileCase(row.target_id, member.gateway_user_id, sent_at, row.expectation)
    try:
        found = find(auth, case) if find is not None else None
    except GatewayUnauthorized:
        raise
    except GatewayError as error:
        logger.info("reconciling %s %s: read failed (%s)", row.action, row.target_id, error.kind)
        found = None
    if found is None:
        return Verdict.UNKNOWN
    if not found and timezone.now() - sent_at < timedelta(seconds=settle_seconds()):
        return Verdict.UNKNOWN
    verdict = Verdict.APPLIED if found else Verdict.NOT_APPLIED
    to = State.APPLIED if found else State.FAILED
    note = "Its answer was lost; reading back showed it saved." if found else ""
    if form_tokens.move(row, to, from_state=State.OUTCOME_UNKNOWN, note=note):
        audit.record(
            staff=member,
            action=row.action,
            target_type=row.target_type,
            target_id=row.target_id or "(new)",
            summary={"reconciles_request": row.request_id, "expected": row.expectation},
            request_id=auth.request_id,
            outcome=f"reconciled: {verdict.value}",
        )
    return verdict


def settle_unknown(
    auth: GatewayAuth, member: StaffMember, target_type: str, target_id: str | None
) -> list[FormToken]:
    """Reconcile this person's writes of unknown outcome on a target (None: any of that type);
    returns those still unknown."""
    longest_send = settings.GATEWAY_CONNECT_TIMEOUT + settings.GATEWAY_READ_TIMEOUT + 30
    # Every page view asks; almost always there is nothing: one read, no write, then.
    if not form_tokens.unsettled_exist(
        member, target_type, target_id, older_than_seconds=longest_send
    ):
        return []
    form_tokens.give_up_on_abandoned(
        member, target_type, target_id, older_than_seconds=longest_send
    )
    still_unknown = []
    for row in form_tokens.unknown_outcomes(member, target_type, target_id):
        if reconcile(auth, member, row) is Verdict.UNKNOWN:
            still_unknown.append(row)
    return still_unknown
