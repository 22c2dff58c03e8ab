"""Creating a customer, a Person or an Organization, always with status new."""

from __future__ import annotations

from django import forms

from . import enums
from .forms import GATEWAY_ID
from .record_forms import (
    NATIVE_HELP,
    FieldsetsMixin,
    Json,
    RecordForm,
    text_field,
)
from .writes import CustomerWrite


class CustomerCreateForm(FieldsetsMixin, RecordForm):
    customer_type = forms.ChoiceField(
        label="Customer type",
        choices=list(enums.CUSTOMER_TYPES.items()),
        initial="Person",
        widget=forms.RadioSelect,
    )
    customer_name = text_field(
        "Customer name",
        help_text="An organization's registered name. For a person, leave empty to use the "
        "first and last name.",
    )
    first_name = text_field(
        "First name (Latin)", max_length=100, help_text="For an organization: its representative."
    )
    first_name_native = text_field("First name (native)", max_length=100, help_text=NATIVE_HELP)
    last_name = text_field("Last name (Latin)", max_length=100)
    last_name_native = text_field("Last name (native)", max_length=100, help_text=NATIVE_HELP)
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
