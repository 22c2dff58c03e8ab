"""`manage.py verify_audit`: walk the audit chain and name the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from backoffice.audit_chain import check_chain
from backoffice.models import AuditRecord


class Command(BaseCommand):
    help = "Check that no audit record was changed, removed or reordered (exit status 1 if so)."

    def handle(self, *args: Any, **options: Any) -> None:
        records = AuditRecord.objects.order_by("pk").iterator(chunk_size=2000)
        try:
            result = check_chain(records)
        finally:
            # Stopping at a broken link would leave PostgreSQL's server-side cursor open.
            close = getattr(records, "close", None)
            if close is not None:
                close()
        if result.broken:
            raise CommandError(str(result), returncode=1)
        last = AuditRecord.objects.order_by("-pk").values_list("record_hash", flat=True).first()
        # The last hash, kept somewhere else, shows later whether the chain was rewritten whole.
        self.stdout.write(f"{result}" + (f" Last hash: {last}" if last else ""))
