from __future__ import annotations

from django import forms

from backoffice.list_urls import canonical_query
from customers.forms import GATEWAY_ID, PAGE_SIZES

from . import enums
from .queue_rows import SORT_KEYS
from .services import QUEUE_VIEWS, TicketEnums, TicketFilters


def _choices(
    values: tuple[str, ...], labels: dict[str, str], anything: str
) -> list[tuple[str, str]]:
    return [("", anything), *((value, enums.label(labels, value)) for value in values)]


class TicketFilterForm(forms.Form):
    """The queue's query string; status, priority and category choices come from the gateway."""

    view = forms.ChoiceField(required=False, choices=list(QUEUE_VIEWS.items()))
    status = forms.ChoiceField(required=False)
    priority = forms.ChoiceField(required=False)
    category = forms.ChoiceField(required=False)
    customer = forms.CharField(
        required=False, max_length=64, label="Customer id", validators=[GATEWAY_ID]
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)
    page_size = forms.TypedChoiceField(
        required=False,
        label="Per page",
        coerce=int,
        empty_value=None,
        choices=[(size, size) for size in PAGE_SIZES],
    )

    def __init__(self, *args: object, ticket_enums: TicketEnums, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        fields = self.fields
        fields["status"].choices = _choices(  # type: ignore[attr-defined]
            ticket_enums.statuses, enums.STATUS_LABELS, "Any status"
        )
        fields["priority"].choices = _choices(  # type: ignore[attr-defined]
            ticket_enums.priorities, enums.PRIORITY_LABELS, "Any priority"
        )
        fields["category"].choices = _choices(  # type: ignore[attr-defined]
            ticket_enums.categories, enums.CATEGORY_LABELS, "Any category"
        )

    sort = forms.ChoiceField(
        required=False,
        choices=[("", "Newest update first")]
        + [(f"{sign}{key}", label) for key, label in SORT_KEYS.items() for sign in ("", "-")],
    )

    def filters(self) -> TicketFilters:
        data = self.cleaned_data
        return TicketFilters(
            view=data["view"] or "all",
            status=data["status"],
            priority=data["priority"],
            category=data["category"],
            customer_id=data["customer"].strip(),
            page=data["page"] or 1,
            page_size=data["page_size"] or 25,
            sort=data["sort"],
        )


def ticket_query(filters: TicketFilters, **overrides: object) -> str:
    """The canonical query string for a queue state: defaults left out."""
    values: dict[str, object] = {
        "view": filters.view,
        "status": filters.status,
        "priority": filters.priority,
        "category": filters.category,
        "customer": filters.customer_id if filters.view == "customer" else "",
        "page": filters.page,
        "page_size": filters.page_size,
        "sort": filters.sort,
    }
    values.update(overrides)
    defaults = {"view": "all", "page": 1, "page_size": 25, "sort": ""}
    return canonical_query(values, defaults)
