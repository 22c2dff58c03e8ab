"""The report page's query string: filters, sort and paging, with choices from the gateway."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from backoffice.list_urls import canonical_query
from backoffice.staff_directory import StaffUser
from customers.forms import PAGE_SIZES
from customers.ids import GATEWAY_ID_REGEX

from . import enums
from .report_services import ReportFilters, ReportSortOptions
from .services import TicketEnums

DEFAULT_PAGE_SIZE = 25
SORT_FIELD_LABELS: dict[str, str] = {
    "createdAt": "Created",
    "updatedAt": "Updated",
    "priority": "Priority",
    "status": "Status",
    "title": "Title",
}
SORT_ORDER_LABELS: dict[str, str] = {"ASC": "Ascending", "DESC": "Descending"}
PREFERRED_SORT = ("updatedAt", "DESC")


def _options(values: tuple[str, ...], labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(value, enums.label(labels, value)) for value in values]


def default_sort(options: ReportSortOptions) -> tuple[str, str]:
    """The gateway's own default (updated, newest first) when it offers it, else its first."""
    field, order = PREFERRED_SORT
    if options.fields and field not in options.fields:
        field = options.fields[0]
    if options.orders and order not in options.orders:
        order = options.orders[0]
    return field, order


class EnumListField(forms.MultipleChoiceField):
    """Any of a gateway enum's values; an empty value in the address (`status=`) means none."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: Any) -> list[str]:
        return [item for item in super().to_python(value) if item]


class ReportFilterForm(forms.Form):
    date_from = forms.DateField(
        required=False, label="Created from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="Created to", widget=forms.DateInput(attrs={"type": "date"})
    )
    status = EnumListField(required=False, label="Status")
    priority = EnumListField(required=False, label="Priority")
    category = EnumListField(required=False, label="Category")
    assignee = forms.ChoiceField(required=False, label="Assignee")
    sort = forms.ChoiceField(required=False, label="Sort by")
    order = forms.ChoiceField(required=False, label="Order")
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)
    page_size = forms.TypedChoiceField(
        required=False,
        label="Per page",
        coerce=int,
        empty_value=None,
        choices=[(size, size) for size in PAGE_SIZES],
    )

    def __init__(
        self,
        *args: Any,
        ticket_enums: TicketEnums,
        sort_options: ReportSortOptions,
        staff: dict[str, StaffUser] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["status"].choices = _options(ticket_enums.statuses, enums.STATUS_LABELS)  # type: ignore[attr-defined]
        fields["priority"].choices = _options(ticket_enums.priorities, enums.PRIORITY_LABELS)  # type: ignore[attr-defined]
        fields["category"].choices = _options(ticket_enums.categories, enums.CATEGORY_LABELS)  # type: ignore[attr-defined]
        fields["sort"].choices = _options(sort_options.fields, SORT_FIELD_LABELS)  # type: ignore[attr-defined]
        fields["order"].choices = _options(sort_options.orders, SORT_ORDER_LABELS)  # type: ignore[attr-defined]
        self.default_sort = default_sort(sort_options)
        people = sorted(((u.id, u.label) for u in (staff or {}).values()), key=lambda c: c[1])
        if staff is None:
            # The directory is unavailable: keep an id that came in the address, if well formed.
            wanted = str(self.data.get("assignee") or "") if self.is_bound else ""
            people = [(wanted, wanted)] if wanted and re.fullmatch(GATEWAY_ID_REGEX, wanted) else []
        fields["assignee"].choices = [("", "Anyone"), *people]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def filters(self) -> ReportFilters:
        data = self.cleaned_data
        sort_field, sort_order = self.default_sort
        return ReportFilters(
            date_from=data["date_from"].isoformat() if data["date_from"] else "",
            date_to=data["date_to"].isoformat() if data["date_to"] else "",
            statuses=tuple(data["status"]),
            priorities=tuple(data["priority"]),
            categories=tuple(data["category"]),
            assignee_id=data["assignee"] or "",
            sort_field=data["sort"] or sort_field,
            sort_order=data["order"] or sort_order,
            page=data["page"] or 1,
            page_size=data["page_size"] or DEFAULT_PAGE_SIZE,
        )


def report_query(
    filters: ReportFilters, default_sort: tuple[str, str] = PREFERRED_SORT, **overrides: Any
) -> str:
    """The canonical query string for a report state: defaults left out, lists repeated."""
    values: dict[str, Any] = {
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "status": list(filters.statuses),
        "priority": list(filters.priorities),
        "category": list(filters.categories),
        "assignee": filters.assignee_id,
        "sort": filters.sort_field,
        "order": filters.sort_order,
        "page": filters.page,
        "page_size": filters.page_size,
    }
    values.update(overrides)
    defaults = {
        "sort": default_sort[0],
        "order": default_sort[1],
        "page": 1,
        "page_size": DEFAULT_PAGE_SIZE,
    }
    return canonical_query(values, defaults)
