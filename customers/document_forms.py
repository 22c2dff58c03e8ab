"""Adding documents to a customer: one or more rows, each with its metadata."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import ngettext_lazy

from . import enums
from .record_forms import (
    LIST_INDEX,
    METADATA_HELP,
    Json,
    RecordForm,
    enum_choices,
    text_field,
)
from .records import CustomerDetail
from .writes import CustomerWrite


def parse_metadata(text: str) -> list[Json]:
    """`name | type | value` per line (`name | value` means a String) → gateway metadata."""
    items: list[Json] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|", 2)]
        if len(parts) == 2:
            parts = [parts[0], "String", parts[1]]
        if len(parts) != 3 or not parts[0]:
            raise forms.ValidationError(
                f"Line {number} is not in the form name | type | value.", code="metadata"
            )
        name, kind, value = parts
        items.append({"name": name, "type": kind or "String", "value": value})
    return items


def metadata_text(items: list[Json]) -> str:
    return "\n".join(f"{i['name']} | {i['type']} | {i['value']}" for i in items)


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
ALLOWED_LOCATION_SCHEMES = frozenset({"http", "https", "s3"})


class DocumentForm(forms.Form):
    """One document row; an untouched extra row is left out."""

    purpose = forms.ChoiceField(
        label="Purpose", choices=enum_choices(enums.DOCUMENT_PURPOSES, blank="Choose…")
    )
    document_type = forms.ChoiceField(
        label="Document type", choices=enum_choices(enums.DOCUMENT_TYPES, blank="Choose…")
    )
    name = text_field("File name", required=True)
    location = text_field(
        "Location", max_length=1000, help_text="Where the file is stored: https://… or s3://…"
    )
    metadata = forms.CharField(
        label="Metadata",
        required=False,
        max_length=4000,
        help_text=METADATA_HELP,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "documentNumber | String | X123"}),
    )

    gateway_fields = {
        "purpose": "purpose",
        "documentType": "document_type",
        "name": "name",
        "location": "location",
        "metadata": "metadata",
        "metadata.name": "metadata",
        "metadata.type": "metadata",
        "metadata.value": "metadata",
    }

    def clean_location(self) -> str:
        location: str = self.cleaned_data["location"]
        scheme = _SCHEME.match(location)
        if scheme and scheme.group(1).lower() not in ALLOWED_LOCATION_SCHEMES:
            raise forms.ValidationError("Use an https://, http:// or s3:// location.")
        return location

    def clean_metadata(self) -> list[Json]:
        return parse_metadata(self.cleaned_data["metadata"])

    def document(self) -> Json:
        data = self.cleaned_data
        return {
            "purpose": data["purpose"],
            "documentType": data["document_type"],
            "name": data["name"],
            "location": data["location"],
            "metadata": data["metadata"],
        }


class BaseDocumentFormSet(BaseFormSet["DocumentForm"]):
    default_error_messages = {
        "too_few_forms": ngettext_lazy(
            "Fill in at least %(num)d document.", "Fill in at least %(num)d documents.", "num"
        ),
    }


DocumentFormSet = formset_factory(
    DocumentForm,
    formset=BaseDocumentFormSet,
    extra=2,
    min_num=1,
    validate_min=True,
    max_num=10,
    validate_max=True,
)


class DocumentsForm(RecordForm):
    """The one-time token of a documents submit; the documents themselves are a formset."""

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.documents = DocumentFormSet(data, prefix="documents")

    def is_valid(self) -> bool:
        own, rows = super().is_valid(), self.documents.is_valid()
        return own and rows

    def filled_rows(self) -> list[DocumentForm]:
        return [row for row in self.documents.forms if row.has_changed() and row.cleaned_data]

    def add_gateway_errors(self, field_errors: dict[str, list[str]]) -> None:
        rows = self.filled_rows()
        for gateway_field, messages in field_errors.items():
            found = re.fullmatch(r"documents\[(\d+)\]\.?(.*)", gateway_field)
            row = rows[int(found.group(1))] if found and int(found.group(1)) < len(rows) else None
            rest = LIST_INDEX.sub("", found.group(2)) if found else ""
            name = DocumentForm.gateway_fields.get(rest) if row is not None else None
            for message in messages:
                if row is not None and name is not None:
                    row.add_error(name, f"Gateway: {message}")
                elif row is not None:
                    row.add_error(None, f"Gateway: {rest or 'document'}: {message}")
                else:
                    self.add_error(None, f"Gateway: {gateway_field}: {message}")

    def to_write(self, customer: CustomerDetail) -> CustomerWrite:
        documents = [row.document() for row in self.filled_rows()]
        return CustomerWrite(
            action="documents",
            customer_id=customer.id,
            customer_name=customer.name,
            body={"documents": documents},
            after={"documents": ", ".join(f"{d['purpose']}: {d['name']}" for d in documents)},
        )
