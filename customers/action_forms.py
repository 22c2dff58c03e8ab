"""Forms for the actions on the customer page, and the gateway write each one becomes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import QueryDict

from backoffice.secret_fields import REDACTED, is_secret_field

from . import enums
from .records import CustomerDetail
from .revision_fields import refusal_for
from .writes import CustomerWrite

SEEN_FIELDS: dict[str, tuple[str, Callable[[CustomerDetail], str], dict[str, str]]] = {
    "seen_status": ("Status", lambda c: c.status, enums.CUSTOMER_STATUSES),
    "seen_kyc": ("KYC confirmation", lambda c: c.kyc.status, enums.KYC_CONFIRMATIONS),
    "seen_pep": ("PEP check", lambda c: c.pep.status, enums.PEP_CHECK_STATUSES),
    "seen_revisions": ("Revisions", lambda c: str(len(c.revisions)), {}),
}


class CustomerActionForm(forms.Form):
    """Every action form carries a one-time token and what the officer saw when they opened it."""

    action = ""
    form_token = forms.CharField(widget=forms.HiddenInput)
    seen_status = forms.CharField(widget=forms.HiddenInput, required=False)
    seen_kyc = forms.CharField(widget=forms.HiddenInput, required=False)
    seen_pep = forms.CharField(widget=forms.HiddenInput, required=False)
    seen_revisions = forms.CharField(widget=forms.HiddenInput, required=False)

    # gateway body field → form field, for placing the gateway's field errors
    gateway_fields: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Four of these forms share one page: ids must differ even where field names don't.
        kwargs.setdefault("auto_id", f"id_{self.action}_%s")
        super().__init__(*args, **kwargs)

    def to_write(self, customer: CustomerDetail) -> CustomerWrite:
        raise NotImplementedError

    def add_gateway_errors(self, field_errors: dict[str, list[str]]) -> None:
        for gateway_field, messages in field_errors.items():
            field = self.gateway_fields.get(gateway_field)
            for message in messages:
                self.add_error(field if field in self.fields else None, f"Gateway: {message}")


def seen_values(customer: CustomerDetail) -> dict[str, str]:
    return {name: read(customer) for name, (_, read, _labels) in SEEN_FIELDS.items()}


def changes_since_seen(form: CustomerActionForm, customer: CustomerDetail) -> list[dict[str, str]]:
    """What changed at the gateway since the officer loaded the page."""
    changed = []
    for name, (label, read, labels) in SEEN_FIELDS.items():
        seen, now = form.cleaned_data.get(name) or "", read(customer)
        if seen != now:
            changed.append(
                {"field": label, "seen": enums.label(labels, seen), "now": enums.label(labels, now)}
            )
    return changed


def _comment_field(label: str, *, required: bool) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StatusForm(CustomerActionForm):
    action = "status"
    status = forms.ChoiceField(label="New status", choices=list(enums.CUSTOMER_STATUSES.items()))
    reason = _comment_field("Reason", required=True)
    gateway_fields = {"customerStatus": "status"}

    def to_write(self, customer: CustomerDetail) -> CustomerWrite:
        status = self.cleaned_data["status"]
        return CustomerWrite(
            action="status",
            customer_id=customer.id,
            customer_name=customer.name,
            body={
                "id": customer.id,
                "customerType": customer.customer_type,
                "customerName": customer.name,
                "customerStatus": status,
            },
            before={"status": customer.status},
            after={"status": status},
            reason=self.cleaned_data["reason"],
        )


class CheckForm(CustomerActionForm):
    """A KYC confirmation or a PEP check: a value from the check's enum and a comment."""

    gateway_field = ""  # the body key the gateway takes the value under

    def current(self, customer: CustomerDetail) -> str:
        raise NotImplementedError

    def to_write(self, customer: CustomerDetail) -> CustomerWrite:
        value, comment = self.cleaned_data[self.action], self.cleaned_data["comment"]
        return CustomerWrite(
            action=self.action,
            customer_id=customer.id,
            customer_name=customer.name,
            body={self.gateway_field: value, "comment": comment},
            before={self.action: self.current(customer)},
            after={self.action: value},
            reason=comment,
        )


class KycForm(CheckForm):
    action, gateway_field = "kyc", "kycConfirmation"
    kyc = forms.ChoiceField(label="KYC confirmation", choices=list(enums.KYC_CONFIRMATIONS.items()))
    comment = _comment_field("Comment", required=False)
    gateway_fields = {"kycConfirmation": "kyc", "comment": "comment"}

    def current(self, customer: CustomerDetail) -> str:
        return customer.kyc.status


class PepForm(CheckForm):
    action, gateway_field = "pep", "pepCheckStatus"
    pep = forms.ChoiceField(label="PEP check", choices=list(enums.PEP_CHECK_STATUSES.items()))
    comment = _comment_field("Comment", required=False)
    gateway_fields = {"pepCheckStatus": "pep", "comment": "comment"}

    def current(self, customer: CustomerDetail) -> str:
        return customer.pep.status


class RevisionForm(CustomerActionForm):
    action = "revision"
    comment = _comment_field("Comment", required=True)
    changes = forms.CharField(
        label="Fields changed",
        help_text="One per line, as field: new value (profile fields only; status, KYC and PEP "
        "have their own actions, and secrets are never sent)",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "person.email: new@example.com"}),
    )
    gateway_fields = {"comment": "comment", "changes": "changes"}

    def clean_changes(self) -> dict[str, str]:
        changes: dict[str, str] = {}
        refused: list[str] = []
        kept_lines: list[str] = []
        for number, line in enumerate(self.cleaned_data["changes"].splitlines(), start=1):
            kept_lines.append(line)
            if not line.strip():
                continue
            name, separator, value = line.partition(":")
            if not separator or not name.strip():
                raise forms.ValidationError(f"Line {number} is not in the form field: value.")
            refusal = refusal_for(name.strip())
            if refusal is not None:
                refused.append(f"{name.strip()}: {refusal}.")
                if is_secret_field(name.strip()):
                    # Not even shown back to the person who typed it.
                    kept_lines[-1] = f"{name}: {REDACTED}"
            changes[name.strip()] = value.strip()
        if refused:
            self._show_instead("changes", "\n".join(kept_lines))
            raise forms.ValidationError(refused)
        if not changes:
            raise forms.ValidationError("List at least one changed field.")
        return changes

    def _show_instead(self, field: str, text: str) -> None:
        """Redisplay `text` in `field`; in place, since the view refreshes the same data."""
        data = self.data
        if isinstance(data, QueryDict) and not data._mutable:
            data = data.copy()
        if isinstance(data, (QueryDict, dict)):
            data[field] = text
            self.data = data

    def to_write(self, customer: CustomerDetail) -> CustomerWrite:
        changes: dict[str, Any] = self.cleaned_data["changes"]
        return CustomerWrite(
            action="revision",
            customer_id=customer.id,
            customer_name=customer.name,
            body={"comment": self.cleaned_data["comment"], "changes": changes},
            after={"changes": changes},
            reason=self.cleaned_data["comment"],
        )


ACTION_FORMS: dict[str, type[CustomerActionForm]] = {
    form.action: form for form in (StatusForm, KycForm, PepForm, RevisionForm)
}
