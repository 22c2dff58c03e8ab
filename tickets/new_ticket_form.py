from __future__ import annotations

from typing import Any

from django import forms

from backoffice.staff_directory import StaffUser
from customers.forms import GATEWAY_ID

from . import enums
from .services import TicketEnums

GATEWAY_FIELDS = {
    "title": "title",
    "description": "description",
    "category": "category",
    "priority": "priority",
    "customerId": "customer",
    "assigneeId": "assignee",
}


class NewTicketForm(forms.Form):
    """Create New Ticket: staff open a ticket for a customer and name who handles it."""

    customer = forms.CharField(label="Customer id", max_length=64, validators=[GATEWAY_ID])
    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(
        label="Description", max_length=10_000, widget=forms.Textarea(attrs={"rows": 6})
    )
    category = forms.ChoiceField(label="Category")
    priority = forms.ChoiceField(label="Priority")
    assignee = forms.ChoiceField(label="Assignee")
    form_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, ticket_enums: TicketEnums, staff: dict[str, StaffUser], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            (value, enums.label(enums.CATEGORY_LABELS, value)) for value in ticket_enums.categories
        ]
        self.fields["priority"].choices = [  # type: ignore[attr-defined]
            (value, enums.label(enums.PRIORITY_LABELS, value)) for value in ticket_enums.priorities
        ]
        self.initial.setdefault("priority", "MEDIUM")
        self.fields["assignee"].choices = sorted(  # type: ignore[attr-defined]
            (
                (user.id, user.label)
                for user in staff.values()
                if "ADMIN" in user.roles or "ASSIGNEE" in user.roles
            ),
            key=lambda choice: choice[1],
        )

    def body(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "category": data["category"],
            "priority": data["priority"],
            "customerId": data["customer"].strip(),
            "assigneeId": data["assignee"],
        }

    def add_gateway_errors(self, field_errors: dict[str, list[str]]) -> None:
        for gateway_field, problems in field_errors.items():
            field = GATEWAY_FIELDS.get(gateway_field)
            for problem in problems:
                self.add_error(field, f"Gateway: {problem}")
