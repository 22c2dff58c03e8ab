"""The audit trail's filters: every list state is a URL built from these fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms

from .list_urls import canonical_query
from .models import AuditRecord

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25

# The actions staff read; an action not listed here is shown with its raw spelling.
ACTION_LABELS: dict[str, str] = {
    "customer.status": "Customer status change",
    "customer.kyc": "Customer KYC confirmation",
    "customer.pep": "Customer PEP check",
    "customer.revision": "Customer revision recorded",
    "customer.address": "Customer address added",
    "customer.documents": "Customer documents added",
    "customer.update": "Customer edited",
    "customer.create": "Customer created",
    "approval.requested": "Approval requested",
    "approval.approved": "Approval granted",
    "approval.rejected": "Approval rejected",
    "approval.withdrawn": "Approval withdrawn",
    "approval.stale": "Approval refused: customer had changed",
    "approval.superseded": "Approval request superseded",
    "ticket.reply": "Ticket reply sent",
    "ticket.note": "Ticket internal note added",
    "ticket.upload": "Ticket files uploaded",
    "ticket.status": "Ticket status change",
    "ticket.escalate": "Ticket escalated",
    "ticket.close": "Ticket closed",
    "ticket.complete": "Ticket completed for assignee",
    "ticket.start_date": "Ticket start date set",
    "ticket.assign": "Ticket assigned",
    "ticket.follow": "Ticket follower added",
    "ticket.edit": "Ticket edited",
    "ticket.create": "Ticket created",
    "ticket.reply_title.create": "Canned reply title created",
    "ticket.reply_title.status": "Canned reply title (de)activated",
    "ticket.reply_message.create": "Canned reply message created",
    "ticket.reply_message.update": "Canned reply message edited",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


@dataclass(frozen=True)
class AuditFilters:
    staff_user_id: str = ""
    action: str = ""
    target_id: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def narrowed(self) -> bool:
        """True when any filter (not paging) narrows the trail."""
        return bool(
            self.staff_user_id or self.action or self.target_id or self.date_from or self.date_to
        )


def person_choices() -> list[tuple[str, str]]:
    """Staff who have records, by gateway user id, labelled with the name(s) recorded."""
    names: dict[str, set[str]] = {}
    pairs = AuditRecord.objects.order_by().values_list("staff_user_id", "staff_name").distinct()
    for user_id, name in pairs:
        names.setdefault(user_id, set()).add(name or user_id)
    choices = [(user_id, " / ".join(sorted(found))) for user_id, found in names.items()]
    return sorted(choices, key=lambda choice: (choice[1].casefold(), choice[0]))


def action_choices() -> list[tuple[str, str]]:
    actions = AuditRecord.objects.order_by().values_list("action", flat=True).distinct()
    choices = [(action, action_label(action)) for action in actions]
    return sorted(choices, key=lambda choice: (choice[1].casefold(), choice[0]))


class AuditFilterForm(forms.Form):
    """The audit list's query string. `from` and `to` are dates in the project's time zone."""

    person = forms.ChoiceField(required=False, label="Person")
    action = forms.ChoiceField(required=False, label="Action")
    target = forms.CharField(required=False, max_length=128, label="Target id")
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)
    page_size = forms.TypedChoiceField(
        required=False,
        label="Per page",
        coerce=int,
        empty_value=None,
        choices=[(size, size) for size in PAGE_SIZES],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        action = self.fields["action"]
        assert isinstance(person, forms.ChoiceField)
        assert isinstance(action, forms.ChoiceField)
        person.choices = [("", "Anyone"), *person_choices()]
        action.choices = [("", "Any action"), *action_choices()]
        # "from" is a Python keyword, so these two are added here rather than declared above.
        self.fields["from"] = forms.DateField(
            required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
        )
        self.fields["to"] = forms.DateField(
            required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date_from, date_to = data.get("from"), data.get("to")
        if date_from and date_to and date_from > date_to:
            self.add_error("to", "The end date is before the start date.")
        return data

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            staff_user_id=data["person"],
            action=data["action"],
            target_id=data["target"].strip(),
            date_from=data["from"],
            date_to=data["to"],
            page=data["page"] or 1,
            page_size=data["page_size"] or DEFAULT_PAGE_SIZE,
        )


def filters_query(filters: AuditFilters, **overrides: object) -> str:
    """The canonical query string for a list state: defaults left out, so URLs stay short."""
    values: dict[str, object] = {
        "person": filters.staff_user_id,
        "action": filters.action,
        "target": filters.target_id,
        "from": filters.date_from.isoformat() if filters.date_from else "",
        "to": filters.date_to.isoformat() if filters.date_to else "",
        "page": filters.page,
        "page_size": filters.page_size,
    }
    values.update(overrides)
    defaults = {"page": 1, "page_size": DEFAULT_PAGE_SIZE}
    return canonical_query(values, defaults)
