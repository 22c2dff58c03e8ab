"""Audit records as staff read them: labels for fields, values and outcomes, never raw spellings.

The apps register their fields' labels here (backoffice knows no app's enums); an unregistered
field or value is shown as recorded.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

# A field's label may depend on the record: an edit's "notify_0" names its notification type
# only in that record's body.
FieldNamer = Callable[[str, Mapping[str, Any]], str | None]

_FIELD_LABELS: dict[str, str] = {}
_VALUE_LABELS: dict[str, Mapping[str, str]] = {}
_FIELD_NAMERS: list[FieldNamer] = []

OUTCOMES: dict[str, tuple[str, str]] = {
    "ok": ("Applied", "success"),
    "pending": ("Held for approval", "warning"),
    "rejected": ("Rejected", "neutral"),
    "withdrawn": ("Withdrawn", "neutral"),
    "stale": ("Stale, not applied", "warning"),
    "superseded": ("Superseded", "neutral"),
    "outcome_unknown": ("Outcome unknown — being checked", "warning"),
    "reconciled: applied": ("Checked: applied", "success"),
    "reconciled: not applied": ("Checked: not applied", "danger"),
    "GatewayUnavailable": ("Failed: the gateway was unavailable", "danger"),
    "GatewayTimeout": ("Outcome unknown — the gateway did not answer in time", "warning"),
    "GatewayDeadlineExceeded": ("Failed: the gateway was too slow; nothing was sent", "danger"),
    "GatewayBusy": ("Failed: the back office was busy; nothing was sent", "danger"),
    "GatewayConnectionLost": ("Outcome unknown — the connection broke", "warning"),
    "GatewayUnauthorized": ("Failed: the gateway session had ended", "danger"),
    "GatewayForbidden": ("Failed: the gateway refused access", "danger"),
    "GatewayNotFound": ("Failed: not found at the gateway", "danger"),
    "GatewayRejected": ("Failed: the gateway rejected it", "danger"),
    "GatewayBadResponse": ("Failed: the gateway's answer could not be read", "danger"),
}
# A decision recorded as "ok" is the decision itself, not a write applied at the gateway.
DECISION_OUTCOMES: dict[str, str] = {"approval.approved": "Approved"}
UNKNOWN_FAILURE = "Failed"


def register_field(key: str, label: str, values: Mapping[str, str] | None = None) -> None:
    """Name a summary field (`status` → "Status") and, optionally, its values' labels."""
    _FIELD_LABELS[key] = label
    if values is not None:
        _VALUE_LABELS[key] = values


def register_field_namer(namer: FieldNamer) -> None:
    if namer not in _FIELD_NAMERS:
        _FIELD_NAMERS.append(namer)


def outcome_label(outcome: str, action: str = "") -> str:
    if outcome == "ok" and action in DECISION_OUTCOMES:
        return DECISION_OUTCOMES[action]
    if outcome in OUTCOMES:
        return OUTCOMES[outcome][0]
    # An error kind nobody named yet: still never a class name on screen.
    return UNKNOWN_FAILURE


def outcome_tone(outcome: str) -> str:
    return OUTCOMES.get(outcome, ("", "danger"))[1]


def field_label(key: str, summary: Mapping[str, Any] | None = None) -> str:
    for namer in _FIELD_NAMERS:
        named = namer(key, summary or {})
        if named:
            return named
    return _FIELD_LABELS.get(key, key)


def value_label(key: str, value: Any, empty: str = "—") -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None or value == "":
        return empty
    if isinstance(value, str):
        return _VALUE_LABELS.get(key, {}).get(value) or " ".join(value.split())
    return plain(value, empty)


def change_lines(summary: Mapping[str, Any]) -> list[str]:
    """Each changed field as "Label: before → after" (or "Label: after" with nothing before)."""
    before, after = summary.get("before"), summary.get("after")
    if not isinstance(before, dict) and not isinstance(after, dict):
        if before in (None, "") and after in (None, ""):
            return []
        return [f"{plain(before, '—')} → {plain(after, '—')}"]
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    lines: list[str] = []
    for key in sorted(set(before) | set(after), key=str):
        label = field_label(str(key), summary)
        new = _value_text(str(key), after.get(key))
        if key in before and before.get(key) not in (None, ""):
            lines.append(f"{label}: {_value_text(str(key), before.get(key))} → {new}")
        else:
            lines.append(f"{label}: {new}")
    return lines


def _value_text(key: str, value: Any) -> str:
    if isinstance(value, dict):
        # A revision's changes: each field with its new value.
        return ", ".join(f"{name}: {plain(item, '—')}" for name, item in value.items()) or "—"
    return value_label(key, value)


def summary_text(summary: Any) -> str:
    """A one-line reading of a summary: customer · Field: before → after · “reason”."""
    if not isinstance(summary, dict):
        return plain(summary)
    parts: list[str] = []
    if summary.get("customer"):
        parts.append(plain(summary["customer"]))
    parts.extend(change_lines(summary))
    for key in ("reason", "note"):
        if summary.get(key):
            parts.append(f"“{plain(summary[key])}”")
    return " · ".join(parts)


def plain(value: Any, empty: str = "") -> str:
    if value is None or value == "":
        return empty
    if isinstance(value, str):
        return " ".join(value.split())
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
