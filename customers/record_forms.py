"""What the customer record forms share, and the small lookup forms of the customer page.

The record forms (address, documents, edit, create) each live in a module of their own. Each
validates what staff typed and builds the exact gateway body. Secret fields (PIN,
password, secret answers, 2FA codes) are never a form field, an initial value or part of a body
built here: an edit sends only the editable fields, and the gateway keeps the secrets it holds.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

from backoffice.secret_fields import is_secret_field

from . import enums

Json = dict[str, Any]

ADDRESS_PURPOSE_SUGGESTIONS = ("home", "postal", "work", "registered")
SNAPSHOT_SALT = "customers.record-forms.edit-snapshot"
LIST_INDEX = re.compile(r"\[\d+\]")
NATIVE_HELP = "Original script, if it differs from the Latin spelling."
METADATA_HELP = "One per line: name | type | value (or name | value for a String)."


def enum_choices(
    labels: dict[str, str], *, blank: str | None = None, current: str = ""
) -> list[Any]:
    """Choices from an enum; a current value the enum does not know stays selectable."""
    choices: list[Any] = [("", blank)] if blank is not None else []
    choices += list(labels.items())
    if current and current not in labels:
        choices.append((current, current))
    return choices


def text_field(label: str, *, required: bool = False, max_length: int = 200, **kw: Any) -> Any:
    return forms.CharField(label=label, required=required, max_length=max_length, **kw)


def without_secrets(value: Any) -> Any:
    """A copy with every secret key left out (not masked: a masked value would be sent back)."""
    if isinstance(value, dict):
        return {k: without_secrets(v) for k, v in value.items() if not is_secret_field(k)}
    if isinstance(value, list):
        return [without_secrets(item) for item in value]
    return value


class RecordForm(forms.Form):
    """Every record form carries a one-time token and places the gateway's field errors."""

    form_token = forms.CharField(widget=forms.HiddenInput)

    # gateway field path (indexes dropped) → form field, for placing the gateway's field errors
    gateway_fields: dict[str, str] = {}

    def field_for(self, gateway_field: str) -> str | None:
        name = self.gateway_fields.get(LIST_INDEX.sub("", gateway_field))
        return name if name in self.fields else None

    def add_gateway_errors(self, field_errors: dict[str, list[str]]) -> None:
        for gateway_field, messages in field_errors.items():
            name = self.field_for(gateway_field)
            for message in messages:
                if name is None:
                    self.add_error(None, f"Gateway: {gateway_field}: {message}")
                else:
                    self.add_error(name, f"Gateway: {message}")


class FieldsetsMixin:
    """Forms shown in titled groups: `fieldsets` names each group's legend and fields."""

    fieldsets: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def grouped(self) -> list[tuple[str, list[forms.BoundField]]]:
        form: Any = self
        return [
            (legend, [form[name] for name in names if name in form.fields])
            for legend, names in self.fieldsets
        ]


# ---- Documents by purpose -------------------------------------------------------------------


class DocumentPurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        required=False, choices=enum_choices(enums.DOCUMENT_PURPOSES, blank="All")
    )


class SepaChannelForm(forms.Form):
    channel = forms.RegexField(
        label="Channel",
        regex=r"^[A-Za-z0-9_-]{1,32}$",
        max_length=32,
        error_messages={"invalid": "Letters, digits, - and _ only."},
    )
