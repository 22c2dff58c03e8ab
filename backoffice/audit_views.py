"""The audit trail: read-only pages over the append-only `AuditRecord` table.

Any signed-in staff member may read it. Nothing here writes: there is no edit or delete path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from backoffice.gateway.ids import GATEWAY_ID_PATTERN

from . import audit_labels
from .audit_forms import (
    DEFAULT_PAGE_SIZE,
    AuditFilterForm,
    AuditFilters,
    action_label,
    filters_query,
)
from .csv_export import csv_download
from .http import StaffRequest
from .models import AuditRecord

SUMMARY_LIMIT = 140

CSV_HEADER = (
    "at",
    "staff_user_id",
    "staff_name",
    "action",
    "target_type",
    "target_id",
    "outcome",
    "gateway_status",
    "request_id",
    "summary",
)
# A spreadsheet runs a cell that starts with one of these as a formula.


def filtered_records(filters: AuditFilters) -> QuerySet[AuditRecord]:
    """The records these filters select, newest first; paging is left to the caller."""
    records = AuditRecord.objects.all()
    if filters.staff_user_id:
        records = records.filter(staff_user_id=filters.staff_user_id)
    if filters.action:
        records = records.filter(action=filters.action)
    if filters.target_id:
        records = records.filter(target_id=filters.target_id)
    zone = timezone.get_default_timezone()
    if filters.date_from:
        start = datetime.combine(filters.date_from, time.min, tzinfo=zone)
        records = records.filter(at__gte=start)
    if filters.date_to:
        # Up to the start of the next day, so the whole "to" day is included.
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=zone)
        records = records.filter(at__lt=end)
    return records.order_by("-at", "-id")


TARGET_VIEWS = {"customer": "customers:detail", "ticket": "tickets:detail"}


@dataclass(frozen=True)
class AuditRow:
    """One record as the list shows it."""

    record: AuditRecord

    @property
    def action_label(self) -> str:
        return action_label(self.record.action)

    @property
    def target_link(self) -> str:
        """The page of what was changed, for customers and tickets."""
        record = self.record
        view = TARGET_VIEWS.get(record.target_type)
        if view and GATEWAY_ID_PATTERN.fullmatch(record.target_id):
            return reverse(view, args=[record.target_id])
        return ""

    @property
    def timeline_link(self) -> str:
        """The customer's case timeline, where this record is one entry among the others."""
        record = self.record
        if record.target_type == "customer" and GATEWAY_ID_PATTERN.fullmatch(record.target_id):
            return reverse("customers:timeline", args=[record.target_id])
        return ""

    @property
    def outcome_label(self) -> str:
        return audit_labels.outcome_label(self.record.outcome, self.record.action)

    @property
    def outcome_tone(self) -> str:
        return audit_labels.outcome_tone(self.record.outcome)

    @property
    def summary_text(self) -> str:
        return audit_labels.summary_text(self.record.summary)

    @property
    def summary_short(self) -> str:
        text = self.summary_text
        return text if len(text) <= SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 1].rstrip() + "…"


@require_GET
@vary_on_headers("HX-Request")
def audit_list(request: StaffRequest) -> HttpResponse:
    query = request.GET.copy()
    query.setdefault("page_size", str(DEFAULT_PAGE_SIZE))
    form = AuditFilterForm(query)
    filters: AuditFilters | None = None
    page: Page[AuditRecord] | None = None
    total = 0
    if form.is_valid():
        filters = form.filters()
        paginator = Paginator(filtered_records(filters), filters.page_size)
        total = paginator.count
        try:
            page = paginator.page(filters.page)
        except EmptyPage:
            page = None
    rows = [AuditRow(record) for record in page.object_list] if page else []
    query_string = filters_query(filters) if filters else ""
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "rows": rows,
        "total": total,
        "query": query_string,
        # The export holds every page, so the link carries the filters but no paging.
        "export_query": filters_query(filters, page=1, page_size=DEFAULT_PAGE_SIZE)
        if filters
        else "",
        "previous_query": filters_query(filters, page=filters.page - 1) if filters else "",
        "next_query": filters_query(filters, page=filters.page + 1) if filters else "",
    }
    status = 200 if form.is_valid() else 400
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "audit/_audit_list.html", context, status=status)
        if filters is not None:
            # Push the canonical URL rather than the raw form query with its empty fields.
            push_url(response, reverse("audit:list") + ("?" + query_string if query_string else ""))
        return response
    return render(request, "audit/list.html", context, status=status)


def _csv_row(record: AuditRecord) -> list[object]:
    values: list[object] = [
        timezone.localtime(record.at).isoformat(),
        record.staff_user_id,
        record.staff_name,
        record.action,
        record.target_type,
        record.target_id,
        record.outcome,
        record.gateway_status,
        record.request_id,
        json.dumps(record.summary, ensure_ascii=False, sort_keys=True, default=str),
    ]
    return values


@require_GET
def audit_export(request: StaffRequest) -> HttpResponse | StreamingHttpResponse:
    """The list's filtered set (every page) as CSV, streamed."""
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            "Some filters are not valid.", status=400, content_type="text/plain; charset=utf-8"
        )
    records = filtered_records(form.filters())
    rows = (_csv_row(record) for record in records.iterator(chunk_size=2000))
    return csv_download(CSV_HEADER, rows, name="audit")
