from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator

from backoffice.list_urls import canonical_query

from . import enums
from .ids import GATEWAY_ID_REGEX
from .services import CustomerFilters

GATEWAY_ID = RegexValidator(rf"^{GATEWAY_ID_REGEX}$", "That is not a valid id.")
PAGE_SIZES = (10, 25, 50, 100)


class CustomerFilterForm(forms.Form):
    """The customer list's query string: every list state is a URL built from these fields."""

    status = forms.ChoiceField(
        required=False, choices=[("", "All statuses"), *enums.CUSTOMER_STATUSES.items()]
    )
    type = forms.ChoiceField(
        required=False, label="Type", choices=[("", "Any type"), *enums.CUSTOMER_TYPES.items()]
    )
    organization = forms.CharField(
        required=False, max_length=64, label="Organization id", validators=[GATEWAY_ID]
    )
    created_since = forms.DateField(
        required=False, label="Created since", widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)
    page_size = forms.TypedChoiceField(
        required=False,
        label="Per page",
        coerce=int,
        empty_value=None,
        choices=[(size, size) for size in PAGE_SIZES],
    )

    def filters(self) -> CustomerFilters:
        data = self.cleaned_data
        return CustomerFilters(
            status=data["status"],
            customer_type=data["type"],
            organization_id=data["organization"].strip(),
            created_since=data["created_since"],
            page=data["page"] or 1,
            page_size=data["page_size"] or 25,
        )


def filters_query(filters: CustomerFilters, **overrides: object) -> str:
    """The canonical query string for a list state: defaults left out, so URLs stay short."""
    values: dict[str, object] = {
        "status": filters.status,
        "type": filters.customer_type,
        "organization": filters.organization_id,
        "created_since": filters.created_since.isoformat() if filters.created_since else "",
        "page": filters.page,
        "page_size": filters.page_size,
    }
    values.update(overrides)
    defaults = {"page": 1, "page_size": 25}
    return canonical_query(values, defaults)


class GoToCustomerForm(forms.Form):
    id = forms.CharField(max_length=64, label="Customer id", validators=[GATEWAY_ID])

    def clean_id(self) -> str:
        return str(self.cleaned_data["id"]).strip()
