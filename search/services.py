"""Searching the customer and ticket indexes, and how old they are. Views call these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from backoffice.gateway.ids import GATEWAY_ID_PATTERN
from backoffice.search_backend import SearchSync
from customers.search_index import INDEX_NAME as CUSTOMERS
from customers.search_index import CustomerSearchEntry, indexed_customers, search_customers
from tickets.search_index import INDEX_NAME as TICKETS
from tickets.search_index import TicketSearchEntry, search_tickets

MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class TicketHit:
    ticket: TicketSearchEntry
    customer: CustomerSearchEntry | None


@dataclass(frozen=True)
class IndexAge:
    """When the oldest index was last read in full; None if one never was."""

    updated_at: datetime | None
    refreshing: bool


@dataclass(frozen=True)
class SearchResults:
    query: str
    customers: list[CustomerSearchEntry]
    tickets: list[TicketHit]
    age: IndexAge

    @property
    def count(self) -> int:
        return len(self.customers) + len(self.tickets)


def index_age() -> IndexAge:
    states = {
        state.index: state for state in SearchSync.objects.filter(index__in=[CUSTOMERS, TICKETS])
    }
    finished = [
        states[name].completed_at if name in states else None for name in (CUSTOMERS, TICKETS)
    ]
    return IndexAge(
        updated_at=None if None in finished else min(f for f in finished if f is not None),
        refreshing=any(state.run_started_at is not None for state in states.values()),
    )


def search(query: str, *, limit: int) -> SearchResults:
    query = query.strip()[:MAX_QUERY_LENGTH]
    customer_hits = search_customers(query, limit=limit) if query else []
    customers = [entry for _, entry in customer_hits]
    tickets = (
        [entry for _, entry in search_tickets(query, limit=limit, customers=customer_hits)]
        if query
        else []
    )
    names = indexed_customers(ticket.customer_id for ticket in tickets)
    return SearchResults(
        query=query,
        customers=customers,
        tickets=[TicketHit(ticket, names.get(ticket.customer_id)) for ticket in tickets],
        age=index_age(),
    )


def record_url(query: str) -> str:
    """Where an exact id leads: the indexed customer or ticket with that id. With no index
    yet, something shaped like a customer id goes to the customer page, as the go-to box
    always did (the live record then says whether it exists). "" for anything else."""
    query = query.strip()
    if not looks_like_id(query):
        return ""
    if CustomerSearchEntry.objects.filter(customer_id=query).exists():
        return reverse("customers:detail", args=[query])
    if TicketSearchEntry.objects.filter(ticket_id=query).exists():
        return reverse("tickets:detail", args=[query])
    if index_age().updated_at is None and not CustomerSearchEntry.objects.exists():
        return reverse("customers:detail", args=[query])
    return ""


def looks_like_id(query: str) -> bool:
    """Letters and digits in the gateway's id shape ("c-00042"): offered as an id to open."""
    return (
        bool(GATEWAY_ID_PATTERN.fullmatch(query))
        and any(c.isdigit() for c in query)
        and any(c.isalpha() for c in query)
    )
