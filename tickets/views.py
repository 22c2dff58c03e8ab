from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from backoffice.gateway.errors import GatewayError, GatewayUnauthorized
from backoffice.http import StaffRequest
from backoffice.staff_directory import staff_directory
from customers.search_index import CustomerSearchEntry, indexed_customers

from . import services
from .forms import TicketFilterForm, ticket_query
from .next_ticket import remember_queue
from .queue_rows import queue_rows, sort_headers, sorted_rows
from .records import TicketPage


@require_GET
@vary_on_headers("HX-Request")
def ticket_queue(request: StaffRequest) -> HttpResponse:
    query = request.GET.copy()
    query.setdefault("page_size", "25")
    error = page = filters = None
    try:
        form = TicketFilterForm(query, ticket_enums=services.ticket_enums(request.gateway_auth))
    except GatewayUnauthorized:
        raise
    except GatewayError as failure:
        error = failure
        form = TicketFilterForm(query, ticket_enums=services.TicketEnums((), (), ()))
    if error is None and form.is_valid():
        filters = form.filters()
        remember_queue(request.session, filters)
    # "By customer" without a customer asks for one instead of listing (or failing).
    choosing_customer = (
        filters is not None and filters.view == "customer" and not filters.customer_id
    )
    if filters is not None and not choosing_customer:
        try:
            page = services.list_tickets(
                request.gateway_auth, filters, my_user_id=request.staff.user_id
            )
        except GatewayUnauthorized:
            raise
        except GatewayError as failure:
            error = failure
    base = filters or services.TicketFilters()
    names = _staff_names(request) if page else {}
    customers = _indexed_customers(page)
    query_string = ticket_query(filters) if filters else ""
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "rows": sorted_rows(queue_rows(page.tickets, names, customers), base.sort) if page else [],
        "sort_headers": {
            header["key"]: {**header, "query": ticket_query(base, sort=header["sort"], page=1)}
            for header in sort_headers(base.sort)
        },
        "choosing_customer": choosing_customer,
        "sla_warn_hours": settings.TICKET_SLA_WARN_HOURS,
        "sla_breach_hours": settings.TICKET_SLA_BREACH_HOURS,
        "error": error,
        "view_label": services.QUEUE_VIEWS.get(base.view, ""),
        "view_tabs": [
            {
                "value": value,
                "label": label,
                "active": value == base.view,
                "query": ticket_query(base, view=value, page=1),
            }
            for value, label in services.QUEUE_VIEWS.items()
        ],
        "query": query_string,
        "previous_query": ticket_query(base, page=base.page - 1),
        "next_query": ticket_query(base, page=base.page + 1),
    }
    status = 502 if error else 400 if form.errors else 200
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "tickets/_ticket_list.html", context, status=status)
        if filters is not None:
            push_url(
                response, reverse("tickets:queue") + ("?" + query_string if query_string else "")
            )
        return response
    return render(request, "tickets/queue.html", context, status=status)


def _indexed_customers(page: TicketPage | None) -> dict[str, CustomerSearchEntry]:
    """The rows' customers from the search index (one query, no gateway call per row)."""
    if page is None or not settings.SEARCH_ENABLED:
        return {}
    return indexed_customers(ticket.customer_id for ticket in page.tickets)


def _staff_names(request: StaffRequest) -> dict[str, str]:
    """Names for assignee ids; the ids themselves will do when the directory is unavailable."""
    try:
        staff = staff_directory(request.gateway_auth)
    except GatewayUnauthorized:
        raise
    except GatewayError:
        return {}
    return {user_id: user.label for user_id, user in staff.items()}
