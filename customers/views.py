from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from backoffice.gateway.errors import GatewayError, GatewayUnauthorized
from backoffice.http import StaffRequest

from . import enums, services
from .detail_page import render_customer_page
from .forms import CustomerFilterForm, GoToCustomerForm, filters_query
from .list_rows import customer_rows


@require_GET
@vary_on_headers("HX-Request")
def customer_list(request: StaffRequest) -> HttpResponse:
    query = request.GET.copy()
    query.setdefault("page_size", "25")
    form = CustomerFilterForm(query)
    page = filters = error = None
    if form.is_valid():
        filters = form.filters()
        try:
            page = services.list_customers(request.gateway_auth, filters)
        except GatewayUnauthorized:
            raise
        except GatewayError as failure:
            error = failure
    query_string = filters_query(filters) if filters else ""
    context = {
        "form": form,
        "error": error,
        "filters": filters,
        "page": page,
        "rows": customer_rows(page.customers) if page else [],
        "status_tabs": _status_tabs(filters),
        "status_label": enums.CUSTOMER_STATUSES.get(filters.status, "") if filters else "",
        "query": query_string,
        "previous_query": filters_query(filters, page=filters.page - 1) if filters else "",
        "next_query": filters_query(filters, page=filters.page + 1) if filters else "",
    }
    status = 400 if not form.is_valid() else 502 if error else 200
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "customers/_customer_list.html", context, status=status)
        if filters is not None:
            # Push the canonical URL rather than the raw form query with its empty fields.
            push_url(response, reverse("customers:list") + _with_question_mark(query_string))
        return response
    return render(request, "customers/list.html", context, status=status)


def _with_question_mark(query: str) -> str:
    return "?" + query if query else ""


def _status_tabs(filters: services.CustomerFilters | None) -> list[dict[str, object]]:
    current = filters.status if filters else ""
    base = filters or services.CustomerFilters()
    tabs = [("", "All"), *list(enums.CUSTOMER_STATUSES.items())]
    return [
        {
            "value": value,
            "label": label,
            "active": value == current,
            "query": filters_query(base, status=value, page=1),
        }
        for value, label in tabs
    ]


@require_GET
def customer_detail(request: StaffRequest, customer_id: str) -> HttpResponse:
    profile = services.customer_profile(request.gateway_auth, customer_id)
    return render_customer_page(request, profile)


@require_GET
def go_to_customer(request: StaffRequest) -> HttpResponse:
    form = GoToCustomerForm(request.GET)
    if form.is_valid():
        return redirect("customers:detail", customer_id=form.cleaned_data["id"])
    messages.error(request, "Enter a customer id such as c-00042.")
    return redirect("customers:list")
