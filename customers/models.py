from django.db import models
from django.utils import timezone

from backoffice.models import StaffMember


class ChangeRequest(models.Model):
    """A sensitive customer change held for a second officer's approval before it is sent."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending approval"
        APPROVED = "approved", "Approved and applied"
        FAILED = "failed", "Approved, gateway refused"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

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

    def __str__(self) -> str:
        return f"{self.action} for {self.customer_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
