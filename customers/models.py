from django.db import models
from django.utils import timezone

from backoffice.models import StaffMember

from . import enums

ACTION_LABELS: dict[str, str] = {
    "status": "Change status",
    "kyc": "KYC confirmation",
    "pep": "PEP check",
    "revision": "Record revision",
    "address": "Add address",
    "documents": "Add documents",
    "update": "Edit customer",
    "create": "Create customer",
}

# What a before/after value means, per key, for showing a change to people.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "status": enums.CUSTOMER_STATUSES,
    "kyc": enums.KYC_CONFIRMATIONS,
    "pep": enums.PEP_CHECK_STATUSES,
}


class ChangeRequest(models.Model):
    """A sensitive customer change held for a second officer's approval before it is sent."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending approval"
        APPROVED = "approved", "Approved and applied"
        FAILED = "failed", "Approved, gateway refused"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        # The customer no longer held the request's "before" when a checker came to approve it.
        STALE = "stale", "Refused: the customer had changed"
        # Closed when at most one pending request per customer and kind became the rule.
        SUPERSEDED = "superseded", "Superseded by an earlier request"

    customer_id = models.CharField(max_length=128, db_index=True)
    customer_name = models.CharField(max_length=300)
    action = models.CharField(max_length=32)
    path_params = models.JSONField(default=dict)
    body = models.JSONField(default=dict)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    reason = models.TextField(blank=True)
    maker = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    checker = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    outcome = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            # One pending request per customer and kind, across every process: a checker then
            # never has two competing "befores" for the same value to choose from.
            models.UniqueConstraint(
                fields=["customer_id", "action"],
                condition=models.Q(status="pending"),
                name="one_pending_change_per_customer_and_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} for {self.customer_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def change_lines(self) -> list[dict[str, str]]:
        """Each changed value as before → after, in the labels staff read."""
        lines = []
        for key in sorted(set(self.before) | set(self.after)):
            labels = VALUE_LABELS.get(key, {})
            lines.append(
                {
                    "field": key,
                    "before": enums.label(labels, str(self.before.get(key) or "")),
                    "after": enums.label(labels, str(self.after.get(key) or "")),
                }
            )
        return lines


# The search index's model lives beside the projection it is filled with.
from .search_index import CustomerSearchEntry  # noqa: E402, F401
