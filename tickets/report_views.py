"""The ticket report: summary charts from `GET /report`, the filtered table from `POST /report`,
and the filtered set as CSV. Everyone signed in may read it.

One view serves the full page and the HTMX fragment (filters, table and pager only: the charts
stay); the fragment never asks for the summary.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from backoffice.csv_export import csv_download
from backoffice.gateway.concurrent import Outcome, read_concurrently
from backoffice.gateway.errors import GatewayError, GatewayRejected, GatewayUnauthorized
from backoffice.http import StaffRequest
from backoffice.staff_directory import StaffUser, staff_directory

from . import report_services, services
from .records import Ticket
from .report_charts import report_charts
from .report_forms import (
    DEFAULT_PAGE_SIZE,
    SORT_FIELD_LABELS,
    ReportFilterForm,
    default_sort,
    report_query,
)
from .report_services import ReportFilters, ReportSortOptions
from .services import TicketEnums

# (heading, sort field or "") per table column
COLUMNS = (
    ("Ticket", "title"),
    ("Id", ""),
    ("Status", "status"),
    ("Priority", "priority"),
    ("Category", ""),
    ("Customer", ""),
    ("Assignee", ""),
    ("Created", "createdAt"),
    ("Updated", "updatedAt"),
)
CSV_HEADER = (
    "id",
    "title",
    "status",
    "priority",
    "category",
    "customer_id",
    "assignee_id",
    "assignee_name",
    "escalated",
    "start_date",
    "created_at",
    "updated_at",
    "closed_at",
)


def _read_options(
    request: StaffRequest, *, with_summary: bool
) -> tuple[dict[str, Outcome[Any]], GatewayError | None]:
    """Enums, sort options, staff (and the summary for a full page) at the same time."""
    auth = request.gateway_auth
    reads: dict[str, Any] = {
        "enums": lambda: services.ticket_enums(auth),
        "sort": lambda: report_services.report_sort_options(auth),
        "staff": lambda: staff_directory(auth),
    }
    if with_summary:
        reads["summary"] = lambda: report_services.report_summary(auth)
    outcomes = read_concurrently(reads)
    for outcome in outcomes.values():
        if isinstance(outcome.error, GatewayUnauthorized):
            raise outcome.error
    return outcomes, outcomes["enums"].error or outcomes["sort"].error


def _form(query: Any, outcomes: dict[str, Outcome[Any]]) -> ReportFilterForm:
    return ReportFilterForm(
        query,
        ticket_enums=outcomes["enums"].value or TicketEnums((), (), ()),
        sort_options=outcomes["sort"].value or ReportSortOptions((), ()),
        staff=outcomes["staff"].value,
    )


def _with_defaults(query: QueryDict, outcomes: dict[str, Outcome[Any]]) -> QueryDict:
    """The query with the defaults it leaves out, so the form shows the sort and size in use."""
    query = query.copy()
    sort_options = outcomes["sort"].value
    if sort_options is not None:
        field, order = default_sort(sort_options)
        query.setdefault("sort", field)
        query.setdefault("order", order)
    query.setdefault("page_size", str(DEFAULT_PAGE_SIZE))
    return query


def _names(staff: dict[str, StaffUser] | None) -> dict[str, str]:
    return {user_id: user.label for user_id, user in (staff or {}).items()}


def _sort_headers(
    filters: ReportFilters,
    form: ReportFilterForm,
    sortable: tuple[str, ...],
    orders: tuple[str, ...],
) -> list[dict[str, Any]]:
    """Column headings; a sortable one links to that sort (flipping the order if current)."""
    headers: list[dict[str, Any]] = []
    for label, field in COLUMNS:
        if not field or field not in sortable:
            headers.append({"label": label, "sortable": False})
            continue
        current = filters.sort_field == field
        if current:
            order = "ASC" if filters.sort_order == "DESC" else "DESC"
        else:
            order = "ASC" if field == "title" else "DESC"
        if order not in orders:
            order = filters.sort_order
        headers.append(
            {
                "label": label,
                "sortable": True,
                "query": report_query(filters, form.default_sort, sort=field, order=order, page=1),
                "aria_sort": ("ascending" if filters.sort_order == "ASC" else "descending")
                if current
                else "",
                "next_order": "ascending" if order == "ASC" else "descending",
            }
        )
    return headers


@require_GET
@vary_on_headers("HX-Request")
def ticket_report(request: StaffRequest) -> HttpResponse:
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    outcomes, error = _read_options(request, with_summary=not fragment)
    form = _form(_with_defaults(request.GET, outcomes), outcomes)
    staff: dict[str, StaffUser] | None = outcomes["staff"].value
    names = _names(staff)
    filters: ReportFilters | None = None
    page = None
    if error is None and form.is_valid():
        filters = form.filters()
        try:
            page = report_services.report_page(request.gateway_auth, filters)
        except GatewayUnauthorized:
            raise
        except GatewayError as failure:
            error = failure
    sort_options: ReportSortOptions = outcomes["sort"].value or ReportSortOptions((), ())
    base = filters or ReportFilters()
    query_string = report_query(filters, form.default_sort) if filters else ""
    context: dict[str, Any] = {
        "form": form,
        "filters": filters,
        "page": page,
        "rows": [(t, names.get(t.assignee_id, t.assignee_id)) for t in page.tickets]
        if page
        else [],
        "error": error,
        "query": query_string,
        "headers": _sort_headers(base, form, sort_options.fields, sort_options.orders),
        "sort_label": SORT_FIELD_LABELS.get(base.sort_field, base.sort_field),
        "previous_query": report_query(base, form.default_sort, page=base.page - 1),
        "next_query": report_query(base, form.default_sort, page=base.page + 1),
        "export_query": report_query(base, form.default_sort, page=1, page_size=DEFAULT_PAGE_SIZE),
        "export_cap": report_services.REPORT_EXPORT_MAX_ROWS,
        "staff_unavailable": outcomes["staff"].error,
    }
    if isinstance(error, GatewayRejected):
        status = 400
    else:
        status = 502 if error else 400 if form.errors else 200
    if fragment:
        response = render(request, "tickets/_report_table.html", context, status=status)
        if filters is not None:
            push_url(
                response, reverse("tickets:report") + ("?" + query_string if query_string else "")
            )
        return response
    summary = outcomes["summary"]
    context.update(
        summary=summary.value,
        summary_error=summary.error,
        charts=report_charts(summary.value, names) if summary.value else [],
    )
    return render(request, "tickets/report.html", context, status=status)


def _csv_row(ticket: Ticket, names: dict[str, str]) -> list[object]:
    def moment(value: Any) -> str:
        return timezone.localtime(value).isoformat() if value else ""

    values: list[object] = [
        ticket.id,
        ticket.title,
        ticket.status,
        ticket.priority,
        ticket.category,
        ticket.customer_id,
        ticket.assignee_id,
        names.get(ticket.assignee_id, "") if ticket.assignee_id else "",
        "yes" if ticket.escalated else "no",
        ticket.start_date.isoformat() if ticket.start_date else "",
        moment(ticket.created_at),
        moment(ticket.updated_at),
        moment(ticket.closed_at),
    ]
    return values


@require_GET
def report_export(request: StaffRequest) -> HttpResponse | StreamingHttpResponse:
    """The report's filtered set (every page, 200 at a time, capped) as CSV.

    All pages are read before the first byte goes out, so a gateway failure is an error page,
    never a CSV that silently stops part way.
    """
    outcomes, error = _read_options(request, with_summary=False)
    if error is not None:
        raise error
    form = _form(request.GET, outcomes)
    if not form.is_valid():
        return HttpResponse(
            "Some filters are not valid.", status=400, content_type="text/plain; charset=utf-8"
        )
    export = report_services.report_export(request.gateway_auth, form.filters())
    names = _names(outcomes["staff"].value)
    rows = (_csv_row(ticket, names) for ticket in export.tickets)
    response = csv_download(CSV_HEADER, rows, name="ticket-report")
    response["X-Export-Rows"] = str(len(export.tickets))
    if export.truncated:
        response["X-Export-Truncated"] = f"first {len(export.tickets)} of {export.total}"
    return response
