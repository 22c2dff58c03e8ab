"""Writing the audit trail: one append-only record per gateway write or approval decision."""

from __future__ import annotations

from typing import Any

from .gateway.errors import GatewayError
from .models import AuditRecord, StaffMember
from .secret_fields import redact


def record(
    *,
    staff: StaffMember,
    action: str,
    target_type: str,
    target_id: str,
    summary: dict[str, Any],
    request_id: str,
    error: GatewayError | None = None,
    outcome: str = "ok",
) -> AuditRecord:
    return AuditRecord.objects.create(
        staff=staff,
        staff_user_id=staff.gateway_user_id,
        staff_name=str(staff),
        action=action,
        target_type=target_type,
        target_id=target_id,
        summary=redact(summary),
        outcome=error.kind if error else outcome,
        gateway_status=error.status if error else None,
        request_id=request_id,
    )
