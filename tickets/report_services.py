"""The ticket report: summary counts, the filtered and sorted table, and its export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backoffice.gateway import paths
from backoffice.gateway.cached import cached_read
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.concurrent import read_concurrently
from backoffice.gateway.connection import gateway_client

from .records import Ticket, TicketPage, parse_string_list, parse_ticket_page

REPORT_GROUPS = ("byStatus", "byPriority", "byCategory", "byAssignee")
REPORT_UNASSIGNED = "unassigned"


@dataclass(frozen=True)
class ReportSummary:
    """`GET /report`: ticket counts per status, priority, category and assignee."""

    by_status: tuple[tuple[str, int], ...]
    by_priority: tuple[tuple[str, int], ...]
    by_category: tuple[tuple[str, int], ...]
    by_assignee: tuple[tuple[str, int], ...]
    total: int


def _counts(body: dict[str, Any], name: str) -> tuple[tuple[str, int], ...]:
    from backoffice.gateway.errors import GatewayBadResponse

    value = body.get(name)
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise GatewayBadResponse(f"The gateway's report has no '{name}' counts.")
    counts = []
    for key, count in value.items():
        try:
            counts.append((str(key), max(int(count), 0)))
        except (TypeError, ValueError):
            raise GatewayBadResponse(
                f"The gateway's '{name}' count for {key} is not a number."
            ) from None
    return tuple(counts)


def report_summary(auth: GatewayAuth) -> ReportSummary:
    from backoffice.gateway.errors import GatewayBadResponse

    body = gateway_client().call(paths.TICKET_REPORT_SUMMARY, auth=auth)
    if not isinstance(body, dict):
        raise GatewayBadResponse("The gateway's report is not an object.")
    by_status = _counts(body, "byStatus")
    try:
        total = int(body.get("total", sum(count for _, count in by_status)))
    except (TypeError, ValueError):
        total = sum(count for _, count in by_status)
    return ReportSummary(
        by_status=by_status,
        by_priority=_counts(body, "byPriority"),
        by_category=_counts(body, "byCategory"),
        by_assignee=_counts(body, "byAssignee"),
        total=total,
    )


@dataclass(frozen=True)
class ReportSortOptions:
    fields: tuple[str, ...]
    orders: tuple[str, ...]


def report_sort_options(auth: GatewayAuth) -> ReportSortOptions:
    """The report's sort fields and orders, from the gateway (cached like the enums)."""

    def load() -> ReportSortOptions:
        client = gateway_client()
        outcomes = read_concurrently(
            {
                "fields": lambda: client.call(paths.TICKET_REPORT_SORT_FIELDS, auth=auth),
                "orders": lambda: client.call(paths.TICKET_REPORT_SORT_ORDERS, auth=auth),
            }
        )
        return ReportSortOptions(
            fields=parse_string_list(outcomes["fields"].unwrap(), "sortFields"),
            orders=parse_string_list(outcomes["orders"].unwrap(), "sortOrders"),
        )

    return cached_read(f"finsupport-report-sort:{auth.tenant_id}", load)


@dataclass(frozen=True)
class ReportFilters:
    date_from: str = ""  # ISO dates
    date_to: str = ""
    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    assignee_id: str = ""
    sort_field: str = "updatedAt"
    sort_order: str = "DESC"
    page: int = 1
    page_size: int = 25

    @property
    def narrowed(self) -> bool:
        return bool(
            self.date_from
            or self.date_to
            or self.statuses
            or self.priorities
            or self.categories
            or self.assignee_id
        )


def report_body(filters: ReportFilters, *, page: int, page_size: int) -> dict[str, Any]:
    """The `POST /report` body: only the keys that narrow, then sort and paging always."""
    body: dict[str, Any] = {}
    if filters.date_from:
        body["from"] = filters.date_from
    if filters.date_to:
        body["to"] = filters.date_to
    for key, values in (
        ("status", filters.statuses),
        ("priority", filters.priorities),
        ("category", filters.categories),
    ):
        if values:
            body[key] = list(values)
    if filters.assignee_id:
        body["assigneeId"] = filters.assignee_id
    body.update(
        sortField=filters.sort_field,
        sortOrder=filters.sort_order,
        pageNumber=page,
        pageSize=page_size,
    )
    return body


def report_page(auth: GatewayAuth, filters: ReportFilters) -> TicketPage:
    body = gateway_client().call(
        paths.TICKET_REPORT,
        auth=auth,
        json=report_body(filters, page=filters.page, page_size=filters.page_size),
    )
    return parse_ticket_page(body, page_size=filters.page_size)


REPORT_EXPORT_PAGE_SIZE = 200
REPORT_EXPORT_MAX_ROWS = 10_000


@dataclass(frozen=True)
class ReportExport:
    tickets: tuple[Ticket, ...]
    total: int  # what the gateway counts for these filters; more than len(tickets) when capped

    @property
    def truncated(self) -> bool:
        return self.total > len(self.tickets)


def report_export(
    auth: GatewayAuth, filters: ReportFilters, *, max_rows: int | None = None
) -> ReportExport:
    """Every page of the filtered report, 200 at a time, up to `max_rows` tickets
    (REPORT_EXPORT_MAX_ROWS unless given)."""
    max_rows = REPORT_EXPORT_MAX_ROWS if max_rows is None else max_rows
    tickets: list[Ticket] = []
    total = 0
    number = 1
    while len(tickets) < max_rows:
        body = gateway_client().call(
            paths.TICKET_REPORT,
            auth=auth,
            json=report_body(filters, page=number, page_size=REPORT_EXPORT_PAGE_SIZE),
        )
        page = parse_ticket_page(body, page_size=REPORT_EXPORT_PAGE_SIZE)
        total = max(total, page.total)
        tickets.extend(page.tickets)
        if not page.tickets or number >= page.pages:
            break
        number += 1
    return ReportExport(tickets=tuple(tickets[:max_rows]), total=max(total, len(tickets)))
