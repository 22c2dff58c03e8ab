"""Editing a customer: prefilled, secrets neither shown nor sent, stale edits caught."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.core import signing
from django.core.validators import validate_email

from backoffice.gateway.errors import GatewayBadResponse

from . import enums
from .record_forms import (
    NATIVE_HELP,
    SNAPSHOT_SALT,
    FieldsetsMixin,
    Json,
    RecordForm,
    enum_choices,
    text_field,
    without_secrets,
)
from .records import CustomerDetail, parse_customer_detail
from .writes import CustomerWrite


@dataclass(frozen=True)
class EditableCustomer:
    """The customer as the edit form needs it: parsed, plus the non-secret parts a PUT replaces
    whole (name objects, the phone list), so fields the form does not show survive an edit."""

    customer: CustomerDetail
    first_name: Json
    last_name: Json
    phones: list[Json]

    @property
    def updated_iso(self) -> str:
        return self.customer.updated.isoformat() if self.customer.updated else ""

    @property
    def notification_types(self) -> list[str]:
        return [n.notification_type for n in self.customer.notifications]


def parse_editable_customer(answer: Any) -> EditableCustomer:
    if isinstance(answer, dict) and isinstance(answer.get("customer"), dict):
        answer = answer["customer"]
    if not isinstance(answer, dict):
        raise GatewayBadResponse("The gateway sent a customer that is not an object.")
    person: Json = answer["person"] if isinstance(answer.get("person"), dict) else {}
    phones = person.get("telephoneNumbers")

    def name_part(key: str) -> Json:
        value = person.get(key)
        return without_secrets(value) if isinstance(value, dict) else {}

    return EditableCustomer(
        customer=parse_customer_detail(answer),
        first_name=name_part("firstName"),
        last_name=name_part("lastName"),
        phones=[without_secrets(p) for p in phones if isinstance(p, dict)]
        if isinstance(phones, list)
        else [],
    )


PHONE_SLOTS = 2


def _native(name_part: Json) -> str:
    """The native spelling, shown only where it differs from the Latin one."""
    native, name = str(name_part.get("native") or ""), str(name_part.get("name") or "")
    return native if native != name else ""


def editable_values(editable: EditableCustomer) -> dict[str, Any]:
    """The current value of every field of the edit form, as the form shows it."""
    customer, person = editable.customer, editable.customer.person
    values: dict[str, Any] = {
        "customer_name": customer.name if customer.name != "(no name)" else "",
        "categorization": customer.categorization,
        "first_name": str(editable.first_name.get("name") or ""),
        "first_name_native": _native(editable.first_name),
        "last_name": str(editable.last_name.get("name") or ""),
        "last_name_native": _native(editable.last_name),
        "gender": person.gender if person else "",
        "date_of_birth": person.date_of_birth if person else "",
        "place_of_birth": person.place_of_birth if person else "",
        "nationality": person.nationality if person else "",
        "email": person.email if person else "",
    }
    for slot in range(PHONE_SLOTS):
        phone = editable.phones[slot] if slot < len(editable.phones) else {}
        values[f"phone{slot + 1}_type"] = str(phone.get("phoneType") or "") if phone else ""
        values[f"phone{slot + 1}_number"] = str(phone.get("number") or "") if phone else ""
    for index, notification in enumerate(customer.notifications):
        values[f"notify_{index}"] = notification.enabled
    return values


def sign_snapshot(editable: EditableCustomer) -> str:
    return signing.dumps(
        {"values": editable_values(editable), "notifications": editable.notification_types},
        salt=SNAPSHOT_SALT,
        compress=True,
    )


def read_snapshot(token: str) -> Json | None:
    try:
        snapshot = signing.loads(token, salt=SNAPSHOT_SALT)
    except signing.BadSignature:
        return None
    return snapshot if isinstance(snapshot, dict) else None


def edit_initial(editable: EditableCustomer, form_token: str) -> dict[str, Any]:
    return {
        **editable_values(editable),
        "form_token": form_token,
        "seen_updated": editable.updated_iso,
        "seen_snapshot": sign_snapshot(editable),
    }


class CustomerEditForm(FieldsetsMixin, RecordForm):
    seen_updated = forms.CharField(widget=forms.HiddenInput, required=False)
    seen_snapshot = forms.CharField(widget=forms.HiddenInput, required=False)
    customer_name = text_field("Customer name", required=True)
    categorization = forms.ChoiceField(label="Categorization")
    first_name = text_field("First name (Latin)", required=True, max_length=100)
    first_name_native = text_field("First name (native)", max_length=100, help_text=NATIVE_HELP)
    last_name = text_field("Last name (Latin)", required=True, max_length=100)
    last_name_native = text_field("Last name (native)", max_length=100, help_text=NATIVE_HELP)
    gender = forms.ChoiceField(label="Gender", required=False)
    date_of_birth = forms.DateField(
        label="Date of birth", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place_of_birth = text_field("Place of birth", max_length=100)
    nationality = text_field("Nationality", max_length=64, help_text="Country code, e.g. BG")
    email = text_field("Email", max_length=254)
    phone1_type = forms.ChoiceField(label="Phone 1 type", required=False)
    phone1_number = text_field(
        "Phone 1 number", max_length=40, help_text="Leave empty to remove this phone."
    )
    phone2_type = forms.ChoiceField(label="Phone 2 type", required=False)
    phone2_number = text_field(
        "Phone 2 number", max_length=40, help_text="Leave empty to remove this phone."
    )

    fieldsets = (
        ("Customer", ("customer_name", "categorization")),
        (
            "Person",
            (
                "first_name",
                "first_name_native",
                "last_name",
                "last_name_native",
                "gender",
                "date_of_birth",
                "place_of_birth",
                "nationality",
            ),
        ),
        ("Contact", ("email", "phone1_type", "phone1_number", "phone2_type", "phone2_number")),
    )
    gateway_fields = {
        "customerName": "customer_name",
        "categorization": "categorization",
        "person.firstName": "first_name",
        "person.firstName.name": "first_name",
        "person.firstName.native": "first_name_native",
        "person.lastName": "last_name",
        "person.lastName.name": "last_name",
        "person.lastName.native": "last_name_native",
        "person.gender": "gender",
        "person.dateOfBirth": "date_of_birth",
        "person.placeOfBirth": "place_of_birth",
        "person.nationality": "nationality",
        "person.email": "email",
    }

    def __init__(
        self,
        data: Any = None,
        *,
        notification_types: list[str],
        current: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        current = current or {}
        self.current_email = str(current.get("email") or "")
        fields: Any = self.fields
        fields["categorization"].choices = enum_choices(
            enums.CATEGORIZATIONS, blank="—", current=current.get("categorization", "")
        )
        fields["gender"].choices = enum_choices(
            enums.GENDERS, blank="—", current=current.get("gender", "")
        )
        for slot in range(1, PHONE_SLOTS + 1):
            fields[f"phone{slot}_type"].choices = enum_choices(
                enums.PHONE_TYPES, blank="—", current=current.get(f"phone{slot}_type", "")
            )
        self.notification_types = list(notification_types)
        for index, notification_type in enumerate(self.notification_types):
            self.fields[f"notify_{index}"] = forms.BooleanField(
                label=notification_type, required=False
            )

    def clean_email(self) -> str:
        """A new email must be valid; one already on record is kept even if it is not, so an
        old bad address never blocks an unrelated correction."""
        email = str(self.cleaned_data.get("email") or "").strip()
        if email and email != self.current_email:
            validate_email(email)
        return email

    def notification_fields(self) -> list[forms.BoundField]:
        return [self[f"notify_{i}"] for i in range(len(self.notification_types))]

    def clean(self) -> Json:
        data = super().clean() or {}
        for slot in range(1, PHONE_SLOTS + 1):
            if data.get(f"phone{slot}_number") and not data.get(f"phone{slot}_type"):
                self.add_error(f"phone{slot}_type", "Choose a type for this phone.")
        return data

    def typed_values(self) -> dict[str, Any]:
        """What was typed, in the shape of `editable_values`."""
        values: dict[str, Any] = {}
        for name in editable_field_names(len(self.notification_types)):
            value = self.cleaned_data.get(name)
            values[name] = value.isoformat() if isinstance(value, date) else value
        return values

    def display(self, name: str, value: Any) -> str:
        """A value as staff read it in the stale-edit banner."""
        if isinstance(value, bool):
            return "on" if value else "off"
        field: Any = self.fields.get(name)
        if isinstance(field, forms.ChoiceField) and value:
            choices: Any = field.choices
            return str(dict(choices).get(value, value))
        return str(value) if value not in (None, "") else "—"

    def label_of(self, name: str) -> str:
        field = self.fields.get(name)
        return str(field.label) if field is not None else name

    def to_write(self, editable: EditableCustomer) -> CustomerWrite:
        data, customer = self.cleaned_data, editable.customer
        before_all, after_all = editable_values(editable), self.typed_values()
        changed = [name for name in after_all if after_all[name] != before_all.get(name)]
        person: Json = {
            "firstName": {
                **editable.first_name,
                "name": data["first_name"],
                "native": data["first_name_native"] or data["first_name"],
            },
            "lastName": {
                **editable.last_name,
                "name": data["last_name"],
                "native": data["last_name_native"] or data["last_name"],
            },
            "gender": data["gender"],
            "dateOfBirth": data["date_of_birth"].isoformat() if data["date_of_birth"] else "",
            "placeOfBirth": data["place_of_birth"],
            "nationality": data["nationality"],
            "email": data["email"],
            "telephoneNumbers": self._phones(editable.phones),
        }
        full_name = self._full_name(editable)
        if full_name:
            person["fullName"] = full_name
        body: Json = {
            "id": customer.id,
            "customerName": data["customer_name"],
            "categorization": data["categorization"],
            "notifications": [
                {"notificationType": kind, "isEnabled": bool(data[f"notify_{index}"])}
                for index, kind in enumerate(self.notification_types)
            ],
            "person": person,
        }
        return CustomerWrite(
            action="update",
            customer_id=customer.id,
            customer_name=customer.name,
            body=body,
            before={name: before_all.get(name) for name in changed},
            after={name: after_all[name] for name in changed},
        )

    def _full_name(self, editable: EditableCustomer) -> str:
        """A new full name when the names changed and it was just first + last; else nothing."""
        old = " ".join(
            part
            for part in (editable.first_name.get("name"), editable.last_name.get("name"))
            if part
        )
        person = editable.customer.person
        stored = person.full_name if person is not None else ""
        if stored and stored != old:
            return ""
        data = self.cleaned_data
        new = " ".join(part for part in (data["first_name"], data["last_name"]) if part)
        return new if new != old else ""

    def _phones(self, current: list[Json]) -> list[Json]:
        """The first two phones as typed (an emptied number removes it), the rest unchanged."""
        phones: list[Json] = []
        for slot in range(PHONE_SLOTS):
            number = self.cleaned_data[f"phone{slot + 1}_number"]
            if not number:
                continue
            kept = current[slot] if slot < len(current) else {}
            phones.append(
                {**kept, "phoneType": self.cleaned_data[f"phone{slot + 1}_type"], "number": number}
            )
        return phones + current[PHONE_SLOTS:]


def editable_field_names(notifications: int) -> list[str]:
    names = [
        "customer_name",
        "categorization",
        "first_name",
        "first_name_native",
        "last_name",
        "last_name_native",
        "gender",
        "date_of_birth",
        "place_of_birth",
        "nationality",
        "email",
    ]
    for slot in range(1, PHONE_SLOTS + 1):
        names += [f"phone{slot}_type", f"phone{slot}_number"]
    return names + [f"notify_{index}" for index in range(notifications)]


@dataclass(frozen=True)
class StaleEdit:
    """The customer changed at the gateway after the edit form was loaded."""

    changes: list[dict[str, str]]
    updated: datetime | None = None


def stale_edit(form: CustomerEditForm, fresh: EditableCustomer) -> StaleEdit | None:
    """What changed since the form was loaded; None when the form is still current.

    The gateway's `updated` time stamp decides; a gateway without one falls back to comparing
    the loaded values (signed into the form) with the fresh ones.
    """
    seen_updated = form.cleaned_data.get("seen_updated") or ""
    snapshot = read_snapshot(form.cleaned_data.get("seen_snapshot") or "")
    loaded = snapshot.get("values") if snapshot else None
    now = editable_values(fresh)
    if seen_updated or fresh.updated_iso:
        is_stale = seen_updated != fresh.updated_iso
    else:
        is_stale = isinstance(loaded, dict) and loaded != now
    if not is_stale:
        return None
    changes = []
    for name, value in now.items():
        seen = loaded.get(name) if isinstance(loaded, dict) else None
        if isinstance(loaded, dict) and seen == value:
            continue
        changes.append(
            {
                "field": form.label_of(name),
                "seen": form.display(name, seen) if isinstance(loaded, dict) else "?",
                "now": form.display(name, value),
            }
        )
    return StaleEdit(changes=changes, updated=fresh.customer.updated)
