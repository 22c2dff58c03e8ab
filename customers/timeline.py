"""The customer as a case: one list, newest first, of what happened to a customer and why.

Built from the app's audit records (writes, four-eyes requests and decisions, tickets opened
and closed through the app) and the gateway's revisions. Pure: no database, no gateway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from backoffice import audit_labels
from backoffice.audit_forms import action_label

from .records import Revision

TITLES: dict[str, str] = {
    "customer.status": "Status changed",
    "customer.kyc": "KYC confirmation",
    "customer.pep": "PEP check",
    "customer.revision": "Revision recorded",
    "customer.address": "Address added",
    "customer.documents": "Documents added",
    "customer.update": "Details edited",
    "customer.create": "Customer created",
    "approval.requested": "Approval requested",
    "approval.approved": "Approved",
    "approval.rejected": "Rejected",
    "approval.withdrawn": "Request withdrawn",
    "approval.stale": "Request closed as stale",
    "approval.superseded": "Request superseded",
    "ticket.create": "Ticket opened",
    "ticket.close": "Ticket closed",
    "ticket.status": "Ticket status changed",
}
DECISIONS = frozenset({"approval.approved", "approval.rejected", "approval.stale"})
# Outcomes after which a revision is at the gateway, so the gateway's own entry tells it.
APPLIED = frozenset({"ok", "reconciled: applied"})
OLDEST = datetime.min.replace(tzinfo=UTC)


class AuditLike(Protocol):
    """What the builder reads of an audit record (an `AuditRecord`, or a test's stand-in)."""

    @property
    def pk(self) -> Any: ...
    @property
    def at(self) -> datetime: ...
    @property
    def staff_name(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def target_type(self) -> str: ...
    @property
    def target_id(self) -> str: ...
    @property
    def summary(self) -> Any: ...
    @property
    def outcome(self) -> str: ...


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime | None
    kind: str  # "customer", "approval", "revision" or "ticket": the entry's marker
    title: str
    by: str
    changes: tuple[str, ...] = ()
    reason: str = ""
    requested_by: str = ""  # a decision: the officer who asked for the change
    decided_by: str = ""  # a decision: the officer who approved, rejected or found it stale
    note: str = ""  # a rejection's reason, or what the customer held instead (stale)
    outcome: str = ""
    outcome_tone: str = "neutral"
    ticket_id: str = ""
    order: tuple[Any, ...] = field(default=(), compare=False, repr=False)


def build_timeline(
    records: Iterable[AuditLike],
    revisions: Sequence[Revision],
    staff_names: Mapping[str, str] | None = None,
) -> list[TimelineEntry]:
    """Every entry, newest first; records of the same moment keep the audit's order."""
    names = staff_names or {}
    revision_comments = {" ".join(r.comment.split()) for r in revisions}
    entries: list[TimelineEntry] = []
    for record in records:
        summary = record.summary if isinstance(record.summary, dict) else {}
        if (
            record.action == "customer.revision"
            and record.outcome in APPLIED
            and audit_labels.plain(summary.get("reason")) in revision_comments
        ):
            continue  # the gateway's revision below is the same change
        entries.append(_from_record(record, summary))
    entries.extend(_from_revision(revision, names) for revision in revisions)
    return sorted(entries, key=lambda entry: entry.order, reverse=True)


def _from_record(record: AuditLike, summary: dict[str, Any]) -> TimelineEntry:
    action = record.action
    decision = action in DECISIONS
    changes = tuple(audit_labels.change_lines(summary))
    reason = audit_labels.plain(summary.get("reason"))
    note = audit_labels.plain(summary.get("note"))
    ticket_id = ""
    if record.target_type == "ticket":
        ticket_id = record.target_id
        changes = _ticket_changes(action, summary)
        body = summary.get("body")
        if isinstance(body, dict) and not reason:
            reason = audit_labels.plain(body.get("reason"))
    if action == "approval.stale" and isinstance(summary.get("now"), dict):
        now = audit_labels.change_lines({"after": summary["now"], "body": summary.get("body")})
        note = "The customer now holds " + "; ".join(now) if now else ""
    return TimelineEntry(
        at=record.at,
        kind=action.split(".")[0] if action.startswith(("approval.", "ticket.")) else "customer",
        title=TITLES.get(action) or action_label(action),
        by=record.staff_name,
        changes=changes,
        reason=reason,
        requested_by=audit_labels.plain(summary.get("maker")) if decision else "",
        decided_by=record.staff_name if decision else "",
        note=note,
        outcome=audit_labels.outcome_label(record.outcome, action),
        outcome_tone=audit_labels.outcome_tone(record.outcome),
        ticket_id=ticket_id,
        order=(record.at, 1, record.pk or 0),
    )


def _ticket_changes(action: str, summary: dict[str, Any]) -> tuple[str, ...]:
    body = summary.get("body")
    body = body if isinstance(body, dict) else {}
    if action == "ticket.status" and body.get("status"):
        return (f"Status: {audit_labels.value_label('ticket_status', body['status'])}",)
    if action == "ticket.create" and body.get("title"):
        return (audit_labels.plain(body["title"]),)
    return ()


def _from_revision(revision: Revision, names: Mapping[str, str]) -> TimelineEntry:
    changes = tuple(
        f"{field_name}: {audit_labels.plain(value, '—')}"
        for field_name, value in revision.changes.items()
    )
    at = revision.at
    return TimelineEntry(
        at=at,
        kind="revision",
        title=f"Revision #{revision.number}",
        by=names.get(revision.by, revision.by) if revision.by else "",
        changes=changes,
        reason=" ".join(revision.comment.split()),
        outcome="At the gateway",
        outcome_tone="success",
        # A revision without a time sorts below everything dated, by its number.
        order=(_or_oldest(at), 0, revision.number),
    )


def _or_oldest(at: datetime | None) -> datetime:
    return OLDEST if at is None else at
