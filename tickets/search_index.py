"""The ticket search index: id, title, customer id, status, priority and assignee — never the
description, the thread or files. Found by title and id here, and by the customer's name
through the customer index; every result opens the live ticket.
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
from backoffice.gateway.ids import GATEWAY_ID_PATTERN
from backoffice.gateway.json_fields import as_dict, as_int, as_list, as_text
from backoffice.search_sync import SourcePage
from backoffice.write_pipeline import Write, write_applied
from customers.search_index import CustomerSearchEntry, search_customers

from . import enums

INDEX_NAME = "tickets"
# A ticket found through its customer's name ranks a little below the customer itself.
THROUGH_CUSTOMER = 0.95


class TicketSearchEntry(search_backend.SearchEntry, enums.StatusAndPriorityBadges):
    ticket_id = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=500)
    customer_id = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=40, blank=True)
    priority = models.CharField(max_length=40, blank=True)
    assignee_id = models.CharField(max_length=128, blank=True)

    class Meta:
        app_label = "tickets"

    def headline(self) -> str:
        return self.title


PROJECTION = ("ticket_id", "title", "customer_id", "status", "priority", "assignee_id")


def projection(ticket: Any) -> dict[str, str] | None:
    if not isinstance(ticket, dict) or "title" not in ticket or "status" not in ticket:
        return None
    ticket_id = as_text(ticket.get("id"))
    if not GATEWAY_ID_PATTERN.fullmatch(ticket_id):
        return None
    return {
        "ticket_id": ticket_id,
        "title": as_text(ticket.get("title"))[:500] or "(no title)",
        "customer_id": as_text(ticket.get("customerId"))[:64],
        "status": as_text(ticket.get("status"))[:40],
        "priority": as_text(ticket.get("priority"))[:40],
        "assignee_id": as_text(ticket.get("assigneeId"))[:128],
    }


def index_tickets(tickets: Iterable[Any], synced_at: datetime) -> int:
    entries = {}
    for ticket in tickets:
        fields = projection(ticket)
        if fields is not None:
            words = search_text.words_of(
                [fields["ticket_id"], fields["title"], fields["customer_id"]]
            )
            entries[fields["ticket_id"]] = TicketSearchEntry(
                search_text=" ".join(words), synced_at=synced_at, **fields
            )
    TicketSearchEntry.objects.bulk_create(
        entries.values(),
        update_conflicts=True,
        unique_fields=["ticket_id"],
        update_fields=[*PROJECTION[1:], "search_text", "synced_at"],
    )
    return len(entries)


def search_tickets(
    query: str,
    *,
    limit: int,
    customers: Sequence[tuple[float, CustomerSearchEntry]] | None = None,
) -> list[tuple[float, TicketSearchEntry]]:
    """Tickets whose title or id matches, and the tickets of the customers whose name does
    (`customers`: that customer search, when the caller has already made it)."""
    if customers is None:
        customers = search_customers(query, limit=limit)
    scores = {c.customer_id: value * THROUGH_CUSTOMER for value, c in customers}
    of_customers = list(
        TicketSearchEntry.objects.filter(customer_id__in=scores).order_by("-ticket_id")[:200]
    )
    found = {
        entry.pk: (value, entry)
        for value, entry in search_backend.ranked(TicketSearchEntry, query, limit=limit)
    }
    for entry in of_customers:
        value = scores[entry.customer_id]
        if entry.pk not in found or found[entry.pk][0] < value:
            found[entry.pk] = (value, entry)
    ordered = sorted(found.values(), key=lambda pair: (-pair[0], pair[1].ticket_id))
    return ordered[:limit]


@dataclass
class TicketSource:
    """The tenant's tickets, through the gateway's list of them all."""

    auth: GatewayAuth
    name: str = INDEX_NAME

    def fetch_page(self, number: int, size: int) -> SourcePage:
        body = as_dict(
            gateway_client().call(
                paths.TICKETS, auth=self.auth, params={"pageNumber": number, "pageSize": size}
            )
        )
        pagination = as_dict(body.get("pagination"))
        return SourcePage(
            records=as_list(body.get("tickets")),
            pages=as_int(pagination.get("numberOfPage"), number),
            total=as_int(pagination.get("totalSize"), 0),
        )

    def store(self, records: Sequence[Any], synced_at: datetime) -> int:
        return index_tickets(records, synced_at)

    def count_since(self, moment: datetime) -> int:
        return TicketSearchEntry.objects.filter(synced_at__gte=moment).count()

    def prune(self, before: datetime) -> int:
        removed, _ = TicketSearchEntry.objects.filter(synced_at__lt=before).delete()
        return removed


@receiver(write_applied)
def _index_written_ticket(sender: Any, *, write: Write, answer: Any, **kwargs: Any) -> None:
    """Ticket writes answer with the ticket (replies and notes with themselves: skipped)."""
    from django.utils import timezone

    if settings.SEARCH_ENABLED and write.scope.target_type == "ticket":
        index_tickets([answer], timezone.now())
