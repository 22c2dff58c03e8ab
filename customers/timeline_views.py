"""The customer's case timeline: a lazy-loaded section of the customer page, and its own page.

It shows the audit trail's records of the customer (reasons, approvers), so it is for the staff
who may read the audit trail (COMPLIANCE, ADMIN), like /audit/ itself.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from backoffice.gateway.concurrent import read_concurrently
from backoffice.gateway.errors import GatewayNotFound, GatewayUnauthorized
from backoffice.http import StaffRequest
from backoffice.models import AuditRecord
from backoffice.staff_directory import staff_names

from .services import customer_detail
from .timeline import build_timeline

# Enough for any case worked by hand; the audit trail holds the rest.
RECORD_LIMIT = 500
TICKET_ACTIONS = ("ticket.create", "ticket.close", "ticket.status")


def customer_records(customer_id: str) -> QuerySet[AuditRecord]:
    """The customer's own records, and those of the tickets opened for them through the app
    (the ticket.create record names the customer; later ticket records name only the ticket)."""
    ticket_ids = AuditRecord.objects.filter(
        target_type="ticket", action="ticket.create", summary__customer=customer_id
    ).values_list("target_id", flat=True)
    return AuditRecord.objects.filter(
        Q(target_type="customer", target_id=customer_id)
        | Q(target_type="ticket", action__in=TICKET_ACTIONS, target_id__in=list(ticket_ids))
    ).order_by("-at", "-id")[:RECORD_LIMIT]


@require_GET
@vary_on_headers("HX-Request")
def customer_timeline(request: StaffRequest, customer_id: str) -> HttpResponse:
    if not request.staff.can_read_compliance:
        raise PermissionDenied("The case timeline is for compliance officers and admins.")
    auth = request.gateway_auth
    reads = read_concurrently(
        {
            "customer": lambda: customer_detail(auth, customer_id),
            "staff": lambda: staff_names(auth),
        }
    )
    customer, error = reads["customer"].value, reads["customer"].error
    if isinstance(error, GatewayUnauthorized | GatewayNotFound):
        raise error
    records = list(customer_records(customer_id))
    entries = build_timeline(
        records, customer.revisions if customer else (), reads["staff"].value or {}
    )
    context = {
        "customer_id": customer_id,
        "customer": customer,
        "entries": entries,
        # Without the gateway the audit's entries still show; the revisions are missing.
        "error": error,
        "truncated": len(records) >= RECORD_LIMIT,
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "customers/_timeline.html", context)
    return render(request, "customers/timeline.html", context)
