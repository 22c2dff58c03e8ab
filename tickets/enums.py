"""Readable labels and badge tones for Finsupport enums.

The values themselves come from the gateway's enum endpoints (cached); values missing here are
shown with their raw spelling.
"""

from __future__ import annotations

STATUS_LABELS: dict[str, str] = {
    "OPEN": "Open",
    "IN_PROGRESS": "In progress",
    "ON_HOLD": "On hold",
    "ESCALATED": "Escalated",
    "RESOLVED": "Resolved",
    "COMPLETED": "Completed",
    "CLOSED": "Closed",
}
# One tone per status; unknown values get "neutral", so CLOSED is the dark tone.
STATUS_TONES: dict[str, str] = {
    "OPEN": "info",
    "IN_PROGRESS": "teal",
    "ON_HOLD": "warning",
    "ESCALATED": "orange",
    "RESOLVED": "success",
    "COMPLETED": "purple",
    "CLOSED": "dark",
}
FINISHED_STATUSES = frozenset({"CLOSED", "COMPLETED"})
# What the assignee-status endpoint accepts (inferred; the rest are admin decisions).
ASSIGNEE_STATUSES = frozenset({"OPEN", "IN_PROGRESS", "ON_HOLD", "RESOLVED"})
PRIORITY_LABELS: dict[str, str] = {
    "LOW": "Low",
    "MEDIUM": "Medium",
    "HIGH": "High",
    "URGENT": "Urgent",
}
PRIORITY_TONES: dict[str, str] = {
    "LOW": "neutral",
    "MEDIUM": "info",
    "HIGH": "warning",
    "URGENT": "danger",
}
CATEGORY_LABELS: dict[str, str] = {
    "ACCOUNT": "Account",
    "PAYMENTS": "Payments",
    "CARDS": "Cards",
    "KYC": "KYC",
    "TECHNICAL": "Technical",
    "OTHER": "Other",
}
ROLE_LABELS: dict[str, str] = {"ADMIN": "Admin", "ASSIGNEE": "Agent", "CUSTOMER": "Customer"}


def label(labels: dict[str, str], value: str | None) -> str:
    if not value:
        return "—"
    return labels.get(value, value)


class StatusAndPriorityBadges:
    """The status and priority badges of anything that holds a ticket's status and priority."""

    status: str
    priority: str

    @property
    def status_label(self) -> str:
        return label(STATUS_LABELS, self.status)

    @property
    def status_tone(self) -> str:
        return STATUS_TONES.get(self.status, "neutral")

    @property
    def priority_label(self) -> str:
        return label(PRIORITY_LABELS, self.priority)

    @property
    def priority_tone(self) -> str:
        return PRIORITY_TONES.get(self.priority, "neutral")
