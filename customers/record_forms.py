"""Forms that write customer records: add an address, add documents, edit or create a customer.

Each form validates what staff typed and builds the exact gateway body. Secret fields (PIN,
password, secret answers, 2FA codes) are never a form field, an initial value or part of a body
built here: an edit sends only the editable fields, and the gateway keeps the secrets it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.core import signing
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import ngettext_lazy

from backoffice.gateway.errors import GatewayBadResponse
from backoffice.secret_fields import is_secret_field

from . import enums
from .forms import GATEWAY_ID
from .records import CustomerDetail, parse_customer_detail
from .writes import CustomerWrite

Json = dict[str, Any]

ADDRESS_PURPOSE_SUGGESTIONS = ("home", "postal", "work", "registered")
SNAPSHOT_SALT = "customers.record-forms.edit-snapshot"
_INDEX = re.compile(r"\[\d+\]")
_METADATA_HELP = "One per line: name | type | value (or name | value for a String)."


def _choices(labels: dict[str, str], *, blank: str | None = None, current: str = "") -> list[Any]:
    """Choices from an enum; a current value the enum does not know stays selectable."""
    choices: list[Any] = [("", blank)] if blank is not None else []
    choices += list(labels.items())
    if current and current not in labels:
        choices.append((current, current))
    return choices


def _text_field(label: str, *, required: bool = False, max_length: int = 200, **kw: Any) -> Any:
    return forms.CharField(label=label, required=required, max_length=max_length, **kw)


def _without_secrets(value: Any) -> Any:
    """A copy with every secret key left out (not masked: a masked value would be sent back)."""
    if isinstance(value, dict):
        return {k: _without_secrets(v) for k, v in value.items() if not is_secret_field(k)}
    if isinstance(value, list):
        return [_without_secrets(item) for item in value]
    return value


class RecordForm(forms.Form):
    """Every record form carries a one-time token and places the gateway's field errors."""

    form_token = forms.CharField(widget=forms.HiddenInput)

    # gateway field path (indexes dropped) → form field, for placing the gateway's field errors
    gateway_fields: dict[str, str] = {}

    def field_for(self, gateway_field: str) -> str | None:
        name = self.gateway_fields.get(_INDEX.sub("", gateway_field))
        return name if name in self.fields else None

    def add_gateway_errors(self, field_errors: dict[str, list[str]]) -> None:
        for gateway_field, messages in field_errors.items():
            name = self.field_for(gateway_field)
            for message in messages:
                if name is None:
                    self.add_error(None, f"Gateway: {gateway_field}: {message}")
                else:
                    self.add_error(name, f"Gateway: {message}")


# ---- Add an address -------------------------------------------------------------------------


class AddressForm(RecordForm):
    address_purpose = _text_field(
        "Purpose",
        required=True,
        max_length=64,
        help_text="For example home, postal or work.",
        widget=forms.TextInput(attrs={"list": "address-purposes", "autocomplete": "off"}),
    )
    country = _text_field("Country", required=True, max_length=64)
    area = _text_field("Area or region")
    zip_code = _text_field("Postal code", max_length=20)
    city = _text_field("City", required=True)
    street = _text_field("Street", required=True)
    street_number = _text_field(
        "Street number", max_length=100, help_text="Several parts separated by commas, e.g. 12, A"
    )
    building = _text_field("Building", max_length=64)
    apartment = _text_field("Apartment", max_length=64)
    entrance = _text_field("Entrance", max_length=64)
    floor = _text_field("Floor", max_length=64)
    door_number = _text_field("Door number", max_length=64)
    latitude = forms.FloatField(
        label="Latitude", required=False, min_value=-90, max_value=90, help_text="From -90 to 90"
    )
    longitude = forms.FloatField(
        label="Longitude",
        required=False,
        min_value=-180,
        max_value=180,
        help_text="From -180 to 180",
    )
    altitude = forms.FloatField(
        label="Altitude (m)",
        required=False,
        min_value=-500,
        max_value=9000,
        help_text="Optional, metres above sea level",
    )

    gateway_fields = {
        "addressPurpose": "address_purpose",
        "address.country": "country",
        "address.area": "area",
        "address.zipCode": "zip_code",
        "address.city": "city",
        "address.street": "street",
        "address.streetNumber": "street_number",
        "address.building": "building",
        "address.apartment": "apartment",
        "address.entrance": "entrance",
        "address.floor": "floor",
        "address.doorNumber": "door_number",
        "address.geoPosition.latitude": "latitude",
        "address.geoPosition.longitude": "longitude",
        "address.geoPosition.altitude": "altitude",
    }
    geo_fields = ("latitude", "longitude", "altitude")

    def clean_street_number(self) -> list[str]:
        typed: str = self.cleaned_data["street_number"]
        return [part.strip() for part in typed.split(",") if part.strip()]

    def clean(self) -> Json:
        data = super().clean() or {}
        latitude, longitude = data.get("latitude"), data.get("longitude")
        either_invalid = self.has_error("latitude") or self.has_error("longitude")
        if (latitude is None) != (longitude is None) and not either_invalid:
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, "Give latitude and longitude together, or neither.")
        if data.get("altitude") is not None and latitude is None and longitude is None:
            self.add_error("altitude", "An altitude needs a latitude and longitude.")
        return data

    def address(self) -> Json:
        data = self.cleaned_data
        geo: Json | None = None
        if data["latitude"] is not None and data["longitude"] is not None:
            geo = {"latitude": data["latitude"], "longitude": data["longitude"]}
            if data["altitude"] is not None:
                geo["altitude"] = data["altitude"]
        return {
            "country": data["country"],
            "area": data["area"],
            "zipCode": data["zip_code"],
            "city": data["city"],
            "street": data["street"],
            "streetNumber": data["street_number"],
            "building": data["building"],
            "apartment": data["apartment"],
            "entrance": data["entrance"],
            "floor": data["floor"],
            "doorNumber": data["door_number"],
            "geoPosition": geo,
        }

    def to_write(self, customer: CustomerDetail) -> CustomerWrite:
        purpose = self.cleaned_data["address_purpose"]
        address = self.address()
        summary = ", ".join(
            part
            for part in (
                " ".join([address["street"], *address["streetNumber"]]),
                " ".join(p for p in (address["zipCode"], address["city"]) if p),
                address["country"],
            )
            if part
        )
        return CustomerWrite(
            action="address",
            customer_id=customer.id,
            customer_name=customer.name,
            body={"addressPurpose": purpose, "address": address},
            after={"address": f"{purpose}: {summary}"},
        )


# ---- Add documents --------------------------------------------------------------------------


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
        label="Purpose", choices=_choices(enums.DOCUMENT_PURPOSES, blank="Choose…")
    )
    document_type = forms.ChoiceField(
        label="Document type", choices=_choices(enums.DOCUMENT_TYPES, blank="Choose…")
    )
    name = _text_field("File name", required=True)
    location = _text_field(
        "Location", max_length=1000, help_text="Where the file is stored: https://… or s3://…"
    )
    metadata = forms.CharField(
        label="Metadata",
        required=False,
        max_length=4000,
        help_text=_METADATA_HELP,
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
            rest = _INDEX.sub("", found.group(2)) if found else ""
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


# ---- Edit a customer ------------------------------------------------------------------------


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
        return _without_secrets(value) if isinstance(value, dict) else {}

    return EditableCustomer(
        customer=parse_customer_detail(answer),
        first_name=name_part("firstName"),
        last_name=name_part("lastName"),
        phones=[_without_secrets(p) for p in phones if isinstance(p, dict)]
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


class FieldsetsMixin:
    """Forms shown in titled groups: `fieldsets` names each group's legend and fields."""

    fieldsets: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def grouped(self) -> list[tuple[str, list[forms.BoundField]]]:
        form: Any = self
        return [
            (legend, [form[name] for name in names if name in form.fields])
            for legend, names in self.fieldsets
        ]


_NATIVE_HELP = "Original script, if it differs from the Latin spelling."


class CustomerEditForm(FieldsetsMixin, RecordForm):
    seen_updated = forms.CharField(widget=forms.HiddenInput, required=False)
    seen_snapshot = forms.CharField(widget=forms.HiddenInput, required=False)
    customer_name = _text_field("Customer name", required=True)
    categorization = forms.ChoiceField(label="Categorization")
    first_name = _text_field("First name (Latin)", required=True, max_length=100)
    first_name_native = _text_field("First name (native)", max_length=100, help_text=_NATIVE_HELP)
    last_name = _text_field("Last name (Latin)", required=True, max_length=100)
    last_name_native = _text_field("Last name (native)", max_length=100, help_text=_NATIVE_HELP)
    gender = forms.ChoiceField(label="Gender", required=False)
    date_of_birth = forms.DateField(
        label="Date of birth", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place_of_birth = _text_field("Place of birth", max_length=100)
    nationality = _text_field("Nationality", max_length=64, help_text="Country code, e.g. BG")
    email = forms.EmailField(label="Email", required=False, max_length=254)
    phone1_type = forms.ChoiceField(label="Phone 1 type", required=False)
    phone1_number = _text_field(
        "Phone 1 number", max_length=40, help_text="Leave empty to remove this phone."
    )
    phone2_type = forms.ChoiceField(label="Phone 2 type", required=False)
    phone2_number = _text_field(
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
        fields: Any = self.fields
        fields["categorization"].choices = _choices(
            enums.CATEGORIZATIONS, blank="—", current=current.get("categorization", "")
        )
        fields["gender"].choices = _choices(
            enums.GENDERS, blank="—", current=current.get("gender", "")
        )
        for slot in range(1, PHONE_SLOTS + 1):
            fields[f"phone{slot}_type"].choices = _choices(
                enums.PHONE_TYPES, blank="—", current=current.get(f"phone{slot}_type", "")
            )
        self.notification_types = list(notification_types)
        for index, notification_type in enumerate(self.notification_types):
            self.fields[f"notify_{index}"] = forms.BooleanField(
                label=notification_type, required=False
            )

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


# ---- Create a customer ----------------------------------------------------------------------


class CustomerCreateForm(FieldsetsMixin, RecordForm):
    customer_type = forms.ChoiceField(
        label="Customer type",
        choices=list(enums.CUSTOMER_TYPES.items()),
        initial="Person",
        widget=forms.RadioSelect,
    )
    customer_name = _text_field(
        "Customer name",
        help_text="An organization's registered name. For a person, leave empty to use the "
        "first and last name.",
    )
    first_name = _text_field(
        "First name (Latin)", max_length=100, help_text="For an organization: its representative."
    )
    first_name_native = _text_field("First name (native)", max_length=100, help_text=_NATIVE_HELP)
    last_name = _text_field("Last name (Latin)", max_length=100)
    last_name_native = _text_field("Last name (native)", max_length=100, help_text=_NATIVE_HELP)
    email = forms.EmailField(label="Email", required=False, max_length=254)
    organization_id = forms.CharField(
        label="Organization id",
        required=False,
        max_length=64,
        validators=[GATEWAY_ID],
        help_text="Persons only, optional: the organization they belong to, e.g. org-001. "
        "An organization gets its own id.",
    )
    categorization = forms.ChoiceField(
        label="Categorization", choices=list(enums.CATEGORIZATIONS.items()), initial="category1"
    )

    fieldsets = (
        ("Customer", ("customer_type", "customer_name", "categorization", "organization_id")),
        ("Person", ("first_name", "first_name_native", "last_name", "last_name_native", "email")),
    )
    gateway_fields = {
        "customerType": "customer_type",
        "customerName": "customer_name",
        "categorization": "categorization",
        "organizationId": "organization_id",
        "person.firstName": "first_name",
        "person.firstName.name": "first_name",
        "person.firstName.native": "first_name_native",
        "person.lastName": "last_name",
        "person.lastName.name": "last_name",
        "person.lastName.native": "last_name_native",
        "person.email": "email",
    }

    def clean_organization_id(self) -> str:
        return str(self.cleaned_data["organization_id"]).strip()

    def clean(self) -> Json:
        data = super().clean() or {}
        if data.get("customer_type") == "Person":
            for name in ("first_name", "last_name"):
                if not data.get(name) and not self.has_error(name):
                    self.add_error(name, "A person needs a first and a last name.")
        elif data.get("customer_type") == "Organization":
            if not data.get("customer_name") and not self.has_error("customer_name"):
                self.add_error("customer_name", "Give the organization's name.")
            if data.get("organization_id"):
                self.add_error(
                    "organization_id",
                    "An organization gets its own organization id; leave this empty.",
                )
        return data

    def to_write(self) -> CustomerWrite:
        data = self.cleaned_data
        first, last = data["first_name"], data["last_name"]
        full_name = " ".join(part for part in (first, last) if part)
        name = data["customer_name"] or full_name
        person: Json = {}
        if first:
            native = data["first_name_native"] or first
            person["firstName"] = {"name": first, "native": native, "order": 1}
        if last:
            native = data["last_name_native"] or last
            person["lastName"] = {"name": last, "native": native, "order": 2}
        if full_name:
            person["fullName"] = full_name
        if data["email"]:
            person["email"] = data["email"]
        body: Json = {
            "customerType": data["customer_type"],
            "customerName": name,
            "customerStatus": "new",
            "categorization": data["categorization"],
            "person": person,
        }
        if data["organization_id"]:
            body["organizationId"] = data["organization_id"]
        return CustomerWrite(
            action="create",
            customer_id="",
            customer_name=name,
            body=body,
            after={"status": "new", "customerType": data["customer_type"]},
        )


def created_customer_id(answer: Any) -> str:
    """The new customer's id from the create answer: a Customer, or `{"customer": Customer}`."""
    if isinstance(answer, dict) and isinstance(answer.get("customer"), dict):
        answer = answer["customer"]
    return str(answer.get("id") or "") if isinstance(answer, dict) else ""


# ---- Documents by purpose -------------------------------------------------------------------


class DocumentPurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        required=False, choices=_choices(enums.DOCUMENT_PURPOSES, blank="All")
    )


class SepaChannelForm(forms.Form):
    channel = forms.RegexField(
        label="Channel",
        regex=r"^[A-Za-z0-9_-]{1,32}$",
        max_length=32,
        error_messages={"invalid": "Letters, digits, - and _ only."},
    )
