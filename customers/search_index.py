"""The customer search index: a minimal projection of each customer, never more.

Kept: id, names (Latin and native script), email, phone numbers, status, type, organization.
Never kept: documents, addresses, date of birth, secrets (PIN, password, answers, 2FA codes) —
the projection is built field by field from the gateway's answer, so nothing else can slip in.
The index only finds customers; every result opens the live gateway record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.dispatch import receiver

from backoffice import search_backend, search_text
from backoffice.gateway import paths
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.connection import gateway_client
from backoffice.gateway.json_fields import as_dict, as_int, as_list, as_text
from backoffice.search_sync import SourcePage
from backoffice.write_pipeline import Write, write_applied

from . import enums
from .ids import GATEWAY_ID_PATTERN

INDEX_NAME = "customers"
RIGHT_TO_LEFT = frozenset({"ar", "he", "fa", "ur"})
# Names written without a space between family and given name.
UNSPACED_NAMES = frozenset({"zh", "ja"})


class CustomerSearchEntry(search_backend.SearchEntry):
    customer_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=300)
    native_name = models.CharField(max_length=300, blank=True)
    native_language = models.CharField(max_length=16, blank=True)
    email = models.CharField(max_length=300, blank=True)
    phones = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=40, blank=True)
    customer_type = models.CharField(max_length=40, blank=True)
    organization_id = models.CharField(max_length=64, blank=True)

    class Meta:
        app_label = "customers"

    def headline(self) -> str:
        return f"{self.name} {self.native_name}"

    @property
    def status_label(self) -> str:
        return enums.label(enums.CUSTOMER_STATUSES, self.status)

    @property
    def status_tone(self) -> str:
        return enums.STATUS_TONES.get(self.status, "neutral")

    @property
    def type_label(self) -> str:
        return enums.label(enums.CUSTOMER_TYPES, self.customer_type)

    @property
    def native_direction(self) -> str:
        return "rtl" if self.native_language in RIGHT_TO_LEFT else ""


# The projection's columns: a test asserts that the model holds exactly these.
PROJECTION = (
    "customer_id",
    "name",
    "native_name",
    "native_language",
    "email",
    "phones",
    "status",
    "customer_type",
    "organization_id",
)


def projection(customer: Any) -> dict[str, str] | None:
    """The indexed fields of one gateway customer, or None for something that is not one."""
    if isinstance(customer, dict) and isinstance(customer.get("customer"), dict):
        customer = customer["customer"]
    if not isinstance(customer, dict) or "customerStatus" not in customer:
        return None
    customer_id = as_text(customer.get("id"))
    # An id our URLs cannot carry could never be opened from a result.
    if not GATEWAY_ID_PATTERN.fullmatch(customer_id):
        return None
    person = as_dict(customer.get("person"))
    names = sorted(
        (as_dict(person.get(key)) for key in ("firstName", "lastName")),
        key=lambda part: as_int(part.get("order"), 0),
    )
    latin = " ".join(as_text(part.get("name")) for part in names if part.get("name"))
    natives = [as_text(part.get("native") or part.get("name")) for part in names]
    language = next((as_text(p.get("language")) for p in names if p.get("language")), "")
    native = ("" if language in UNSPACED_NAMES else " ").join(n for n in natives if n)
    name = as_text(customer.get("customerName")) or as_text(person.get("fullName")) or latin
    return {
        "customer_id": customer_id,
        "name": name or "(no name)",
        # An organization's person is its representative: searchable, but not its name.
        "native_name": native
        if native not in ("", name, latin) and customer.get("customerType") != "Organization"
        else "",
        "native_language": language[:16],
        "email": as_text(person.get("email") or customer.get("email"))[:300],
        "phones": ", ".join(
            as_text(as_dict(phone).get("number"))
            for phone in as_list(person.get("telephoneNumbers"))
            if as_dict(phone).get("number")
        )[:300],
        "status": as_text(customer.get("customerStatus"))[:40],
        "customer_type": as_text(customer.get("customerType"))[:40],
        "organization_id": as_text(customer.get("organizationId"))[:64],
        "_latin": latin,
        "_natives": " ".join(natives),
    }


def _entry(fields: dict[str, str], synced_at: datetime) -> CustomerSearchEntry:
    latin, natives = fields.pop("_latin"), fields.pop("_natives")
    words = search_text.words_of(
        [
            fields["customer_id"],
            fields["name"],
            latin,
            fields["native_name"],
            natives,
            fields["email"],
            fields["phones"],
            fields["organization_id"],
        ]
    )
    words += search_text.phone_words(fields["phones"].split(", "))
    return CustomerSearchEntry(search_text=" ".join(words), synced_at=synced_at, **fields)


def index_customers(customers: Iterable[Any], synced_at: datetime) -> int:
    entries = {}
    for customer in customers:
        fields = projection(customer)
        if fields is not None:
            entries[fields["customer_id"]] = _entry(fields, synced_at)
    CustomerSearchEntry.objects.bulk_create(
        entries.values(),
        update_conflicts=True,
        unique_fields=["customer_id"],
        update_fields=[*PROJECTION[1:], "search_text", "synced_at"],
    )
    return len(entries)


def search_customers(query: str, *, limit: int) -> list[tuple[float, CustomerSearchEntry]]:
    return search_backend.ranked(CustomerSearchEntry, query, limit=limit)


def indexed_customers(customer_ids: Iterable[str]) -> dict[str, CustomerSearchEntry]:
    """The index's entries for these ids (one query), for showing names beside ids."""
    wanted = {customer_id for customer_id in customer_ids if customer_id}
    if not wanted:
        return {}
    return {e.customer_id: e for e in CustomerSearchEntry.objects.filter(customer_id__in=wanted)}


@dataclass
class CustomerSource:
    """The tenant's customers, newest first, through the gateway's list of them all."""

    auth: GatewayAuth
    name: str = INDEX_NAME

    def fetch_page(self, number: int, size: int) -> SourcePage:
        body = gateway_client().call(
            paths.CUSTOMERS_OF_TENANT,
            auth=self.auth,
            json={"type": "", "created": "", "status": "", "pageNumber": number, "pageSize": size},
        )
        body = as_dict(body)
        pagination = as_dict(body.get("pagination"))
        return SourcePage(
            records=as_list(body.get("customers")),
            pages=as_int(pagination.get("numberOfPage"), number),
            total=as_int(pagination.get("totalSize"), 0),
        )

    def store(self, records: Sequence[Any], synced_at: datetime) -> int:
        return index_customers(records, synced_at)

    def count_since(self, moment: datetime) -> int:
        return CustomerSearchEntry.objects.filter(synced_at__gte=moment).count()

    def prune(self, before: datetime) -> int:
        removed, _ = CustomerSearchEntry.objects.filter(synced_at__lt=before).delete()
        return removed


@receiver(write_applied)
def _index_written_customer(sender: Any, *, write: Write, answer: Any, **kwargs: Any) -> None:
    """The app's own customer writes answer with the customer: indexed at once."""
    from django.utils import timezone

    if settings.SEARCH_ENABLED and write.scope.target_type == "customer":
        index_customers([answer], timezone.now())
