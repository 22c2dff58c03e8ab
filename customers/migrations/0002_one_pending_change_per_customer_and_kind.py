from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from backoffice import audit_chain


def supersede_duplicate_pending_requests(apps, schema_editor):
    """Before the constraint: keep the earliest pending request per customer and kind.

    The later ones are closed as superseded (nothing was ever sent for them) and audited, so
    the trail says why they left the queue.
    """
    ChangeRequest = apps.get_model("customers", "ChangeRequest")
    AuditRecord = apps.get_model("backoffice", "AuditRecord")
    kept: dict[tuple[str, str], int] = {}
    pending = ChangeRequest.objects.filter(status="pending").select_related("maker")
    for change in pending.order_by("created", "pk"):
        key = (change.customer_id, change.action)
        if key not in kept:
            kept[key] = change.pk
            continue
        change.status = "superseded"
        change.decided_at = timezone.now()
        change.outcome = f"Superseded by request #{kept[key]}: one pending request per kind."
        change.save(update_fields=["status", "decided_at", "outcome"])
        _append_audit(
            AuditRecord,
            schema_editor,
            staff=change.maker,
            staff_user_id=change.maker.gateway_user_id,
            staff_name=change.maker.display_name or change.maker.username,
            action="approval.superseded",
            target_type="customer",
            target_id=change.customer_id,
            summary={
                "change_request": change.pk,
                "kept_request": kept[key],
                "customer": change.customer_name,
                "before": change.before,
                "after": change.after,
                "reason": change.reason,
            },
            outcome="superseded",
            request_id="",
        )


def _append_audit(AuditRecord, schema_editor, **fields):
    """Append one audit record; chained like AuditRecord.save when the chain already exists
    (this migration may run before or after backoffice's audit chain migration)."""
    record = AuditRecord(**fields)
    chained = any(field.name == "record_hash" for field in AuditRecord._meta.get_fields())
    if chained:
        connection = schema_editor.connection
        audit_chain.hold_append_lock(connection)
        head = (
            AuditRecord.objects.using(connection.alias).order_by("-pk").only("record_hash").first()
        )
        record.previous_hash = head.record_hash if head else audit_chain.GENESIS_HASH
        record.summary = audit_chain.as_stored_json(record.summary)
        record.record_hash = audit_chain.content_hash(record)
    record.save(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("backoffice", "0002_auditrecord_formtoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="changerequest",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending approval"),
                    ("approved", "Approved and applied"),
                    ("failed", "Approved, gateway refused"),
                    ("rejected", "Rejected"),
                    ("withdrawn", "Withdrawn"),
                    ("stale", "Refused: the customer had changed"),
                    ("superseded", "Superseded by an earlier request"),
                ],
                default="pending",
                max_length=16,
            ),
        ),
        migrations.RunPython(supersede_duplicate_pending_requests, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="changerequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "pending")),
                fields=("customer_id", "action"),
                name="one_pending_change_per_customer_and_kind",
            ),
        ),
    ]
