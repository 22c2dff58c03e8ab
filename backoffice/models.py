from django.contrib.auth.models import AbstractUser
from django.db import connections, models, router, transaction
from django.utils import timezone

from . import audit_chain


class StaffMember(AbstractUser):
    """A local mirror of a gateway staff user, so audit records can point at a person.

    Staff never have a local password: they sign in with their gateway credentials.
    """

    gateway_user_id = models.CharField(max_length=128, unique=True)
    display_name = models.CharField(max_length=200, blank=True)
    tenant_id = models.CharField(max_length=128, blank=True)
    # Dates are shown in this zone; blank means the deployment's TIME_ZONE.
    time_zone = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.username


class AppendOnlyQuerySet(models.QuerySet["AuditRecord"]):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("Audit records are append-only.")

    def delete(self):  # type: ignore[no-untyped-def]
        raise PermissionError("Audit records are append-only.")

    def bulk_create(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("Audit records are chained: append them one at a time.")

    def bulk_update(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("Audit records are append-only.")


class AuditRecord(models.Model):
    """One write the back office made to the gateway, or one approval decision. Never changed."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="audit_records")
    staff_user_id = models.CharField(max_length=128, db_index=True)
    staff_name = models.CharField(max_length=200)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=32)
    target_id = models.CharField(max_length=128, db_index=True)
    summary = models.JSONField(default=dict)
    outcome = models.CharField(max_length=64)
    gateway_status = models.PositiveSmallIntegerField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # The tamper-evident chain (audit_chain.py): the record before's hash, and this one's.
    previous_hash = models.CharField(max_length=64, editable=False)
    record_hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.staff_name} {self.action} {self.target_id}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise PermissionError("Audit records are append-only.")
        using = kwargs.get("using") or router.db_for_write(AuditRecord, instance=self)
        with transaction.atomic(using=using):
            audit_chain.hold_append_lock(connections[using])
            head = AuditRecord.objects.using(using).order_by("-pk").only("record_hash").first()
            self.previous_hash = head.record_hash if head else audit_chain.GENESIS_HASH
            self.summary = audit_chain.as_stored_json(self.summary)
            self.record_hash = audit_chain.content_hash(self)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("Audit records are append-only.")


class FormToken(models.Model):
    """What became of one submitted write form (see backoffice/form_tokens.py).

    A row exists from the moment the form is claimed for sending; an issued token that was never
    submitted has no row. The unique `token` column and conditional state updates let two racing
    submits of one form resolve to a single send, across processes.
    """

    class State(models.TextChoices):
        ISSUED = "issued", "Issued"
        IN_FLIGHT = "in_flight", "Being sent"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"
        OUTCOME_UNKNOWN = "outcome_unknown", "Outcome unknown"

    token = models.CharField(max_length=64, unique=True)
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=64, blank=True)
    target_type = models.CharField(max_length=32, blank=True)
    target_id = models.CharField(max_length=128, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.IN_FLIGHT)
    used_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    request_id = models.CharField(max_length=64, blank=True)
    # What a read-back must find to call the write applied (see write_pipeline reconcilers).
    expectation = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["staff", "target_type", "target_id", "state"], name="formtoken_open_tries"
            )
        ]

    def __str__(self) -> str:
        return f"form token {self.action} {self.target_id}: {self.state}"


# Defined beside the search index code it serves; imported here so Django sees the model.
from .search_backend import SearchSync  # noqa: E402, F401
