"""Forms for the actions on a ticket, each building the body its gateway endpoint takes."""

from __future__ import annotations

from typing import Any

from django import forms

from backoffice.staff_directory import StaffUser

from . import enums
from .records import Ticket
from .services import TicketEnums


def _options(values: tuple[str, ...], labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(value, enums.label(labels, value)) for value in values]


class TicketActionForm(forms.Form):
    action = ""
    title = ""
    form_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        ticket_enums: TicketEnums,
        staff: dict[str, StaffUser],
        ticket: Ticket,
        admin: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.admin = admin
        self.setup(ticket_enums, staff, ticket)

    def setup(self, ticket_enums: TicketEnums, staff: dict[str, StaffUser], ticket: Ticket) -> None:
        """Fill choices from the gateway's enums and staff; prefill from the ticket."""

    def body(self) -> dict[str, Any]:
        return {}


class StatusForm(TicketActionForm):
    action, title = "status", "Change status"
    status = forms.ChoiceField(label="New status")

    def setup(self, ticket_enums: TicketEnums, staff: dict[str, StaffUser], ticket: Ticket) -> None:
        statuses = ticket_enums.statuses
        if not self.admin:
            statuses = tuple(s for s in statuses if s in enums.ASSIGNEE_STATUSES)
        self.fields["status"].choices = _options(statuses, enums.STATUS_LABELS)  # type: ignore[attr-defined]
        self.initial.setdefault("status", ticket.status)

    def body(self) -> dict[str, Any]:
        return {"status": self.cleaned_data["status"]}


class ReasonForm(TicketActionForm):
    reason = forms.CharField(
        label="Reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def body(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


class EscalateForm(ReasonForm):
    action, title = "escalate", "Escalate"


class CloseForm(ReasonForm):
    action, title = "close", "Close ticket"


class StartDateForm(TicketActionForm):
    action, title = "start_date", "Set start date"
    start_date = forms.DateField(label="Start date", widget=forms.DateInput(attrs={"type": "date"}))

    def setup(self, ticket_enums: TicketEnums, staff: dict[str, StaffUser], ticket: Ticket) -> None:
        if ticket.start_date:
            self.initial.setdefault("start_date", ticket.start_date.isoformat())

    def body(self) -> dict[str, Any]:
        return {"startDate": self.cleaned_data["start_date"].isoformat()}


class CompleteForm(TicketActionForm):
    action, title = "complete", "Complete for the assignee"


def _staff_choices(staff: dict[str, StaffUser], *roles: str) -> list[tuple[str, str]]:
    return sorted(
        (
            (user.id, user.label)
            for user in staff.values()
            if not roles or any(role in user.roles for role in roles)
        ),
        key=lambda choice: choice[1],
    )


class AssignForm(TicketActionForm):
    action, title = "assign", "Assign"
    assignee = forms.ChoiceField(label="Assignee")

    def setup(self, ticket_enums: TicketEnums, staff: dict[str, StaffUser], ticket: Ticket) -> None:
        self.fields["assignee"].choices = _staff_choices(staff, "ADMIN", "ASSIGNEE")  # type: ignore[attr-defined]
        self.initial.setdefault("assignee", ticket.assignee_id)

    def body(self) -> dict[str, Any]:
        return {"assigneeId": self.cleaned_data["assignee"]}


class FollowForm(TicketActionForm):
    action, title = "follow", "Add follower"
    follower = forms.ChoiceField(label="Follower")

    def setup(self, ticket_enums: TicketEnums, staff: dict[str, StaffUser], ticket: Ticket) -> None:
        self.fields["follower"].choices = _staff_choices(staff)  # type: ignore[attr-defined]

    def body(self) -> dict[str, Any]:
        return {"followerId": self.cleaned_data["follower"]}


class EditForm(TicketActionForm):
    action, title = "edit", "Edit ticket"
    title_text = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(
        label="Description", max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    category = forms.ChoiceField(label="Category")
    priority = forms.ChoiceField(label="Priority")

    def setup(self, ticket_enums: TicketEnums, staff: dict[str, StaffUser], ticket: Ticket) -> None:
        self.fields["category"].choices = _options(ticket_enums.categories, enums.CATEGORY_LABELS)  # type: ignore[attr-defined]
        self.fields["priority"].choices = _options(ticket_enums.priorities, enums.PRIORITY_LABELS)  # type: ignore[attr-defined]
        for name, value in (
            ("title_text", ticket.title),
            ("description", ticket.description),
            ("category", ticket.category),
            ("priority", ticket.priority),
        ):
            self.initial.setdefault(name, value)

    def body(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title_text"],
            "description": data["description"],
            "category": data["category"],
            "priority": data["priority"],
        }


ACTION_FORMS: dict[str, type[TicketActionForm]] = {
    form.action: form
    for form in (
        StatusForm,
        EscalateForm,
        CloseForm,
        StartDateForm,
        CompleteForm,
        AssignForm,
        FollowForm,
        EditForm,
    )
}
