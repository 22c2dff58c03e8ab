"""Reading the Finsupport ticket desk from the gateway. Views call these; no HTTP in views."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core.cache import cache

from backoffice.gateway import paths
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.concurrent import read_concurrently
from backoffice.gateway.connection import gateway_client
from backoffice.gateway.errors import GatewayError, GatewayNotFound
from customers.records import CustomerDetail
from customers.services import customer_detail

from .records import (
    ReplyMessage,
    ReplyTitle,
    StaffUser,
    ThreadEntry,
    Ticket,
    TicketFile,
    TicketPage,
    parse_files,
    parse_reply_message,
    parse_reply_title,
    parse_staff_user,
    parse_string_list,
    parse_thread_entries,
    parse_ticket,
    parse_ticket_page,
)

QUEUE_VIEWS = {
    "all": "All",
    "mine": "Assigned to me",
    "following": "Following",
    "escalated": "Escalated",
    "customer": "By customer",
}


@dataclass(frozen=True)
class TicketEnums:
    statuses: tuple[str, ...]
    priorities: tuple[str, ...]
    categories: tuple[str, ...]


@dataclass(frozen=True)
class TicketFilters:
    view: str = "all"
    status: str = ""
    priority: str = ""
    category: str = ""
    customer_id: str = ""
    page: int = 1
    page_size: int = 25


@dataclass(frozen=True)
class TicketThread:
    """Everything the ticket page shows; a part the gateway could not give carries its error."""

    ticket: Ticket
    entries: list[ThreadEntry]
    files_by_owner: dict[str, list[TicketFile]]
    ticket_files: list[TicketFile]
    followers: list[StaffUser]
    staff_names: dict[str, str]
    customer: CustomerDetail | None
    errors: dict[str, GatewayError] = field(default_factory=dict)

    def author_name(self, user_id: str) -> str:
        return self.staff_names.get(user_id, user_id)


def _cached(key: str, load: Any) -> Any:
    """A gateway read kept for ENUM_CACHE_SECONDS: a warm page makes no enum calls."""
    value = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, timeout=settings.GATEWAY_ENUM_CACHE_SECONDS)
    return value


def ticket_enums(auth: GatewayAuth) -> TicketEnums:
    def load() -> TicketEnums:
        client = gateway_client()
        outcomes = read_concurrently(
            {
                "statuses": lambda: client.call(paths.TICKET_STATUS_ENUM, auth=auth),
                "priorities": lambda: client.call(paths.TICKET_PRIORITY_ENUM, auth=auth),
                "categories": lambda: client.call(paths.TICKET_CATEGORY_ENUM, auth=auth),
            }
        )
        return TicketEnums(
            **{
                name: parse_string_list(outcome.unwrap(), name)
                for name, outcome in outcomes.items()
            }
        )

    return _cached(f"finsupport-enums:{auth.tenant_id}", load)  # type: ignore[no-any-return]


def staff_directory(auth: GatewayAuth) -> dict[str, StaffUser]:
    """The tenant's staff by user id, for names and the assignee picker (cached)."""

    def load() -> dict[str, StaffUser]:
        body = gateway_client().call(paths.STAFF_USERS, auth=auth)
        items = body.get("users") if isinstance(body, dict) else body
        users = [parse_staff_user(item) for item in (items or [])]
        return {user.id: user for user in users if user.id}

    return _cached(f"staff-directory:{auth.tenant_id}", load)  # type: ignore[no-any-return]


def list_tickets(auth: GatewayAuth, filters: TicketFilters, *, my_user_id: str) -> TicketPage:
    params: dict[str, Any] = {"pageNumber": filters.page, "pageSize": filters.page_size}
    for name in ("status", "priority", "category"):
        if getattr(filters, name):
            params[name] = getattr(filters, name)
    path_params: dict[str, str] = {}
    if filters.view == "mine":
        endpoint, path_params = paths.TICKETS_OF_ASSIGNEE, {"assignee_id": my_user_id}
    elif filters.view == "following":
        endpoint, path_params = paths.TICKETS_OF_FOLLOWER, {"follower_id": my_user_id}
    elif filters.view == "customer" and filters.customer_id:
        endpoint, path_params = paths.TICKETS_OF_CUSTOMER, {"customer_id": filters.customer_id}
    else:
        endpoint = paths.TICKETS
        if filters.view == "escalated":
            params["status"] = "ESCALATED"
    body = gateway_client().call(endpoint, auth=auth, path_params=path_params, params=params)
    return parse_ticket_page(body, page_size=filters.page_size)


def customer_tickets(auth: GatewayAuth, customer_id: str, *, page_size: int = 10) -> TicketPage:
    body = gateway_client().call(
        paths.TICKETS_OF_CUSTOMER,
        auth=auth,
        path_params={"customer_id": customer_id},
        params={"pageNumber": 1, "pageSize": page_size},
    )
    return parse_ticket_page(body, page_size=page_size)


def ticket(auth: GatewayAuth, ticket_id: str) -> Ticket:
    return parse_ticket(
        gateway_client().call(paths.TICKET, auth=auth, path_params={"ticket_id": ticket_id})
    )


def ticket_thread(auth: GatewayAuth, ticket_id: str) -> TicketThread:
    """The ticket page's reads, made at the same time; then the customer it is about."""
    client = gateway_client()
    by_ticket = {"ticket_id": ticket_id}
    outcomes = read_concurrently(
        {
            "ticket": lambda: ticket(auth, ticket_id),
            "replies": lambda: parse_thread_entries(
                client.call(paths.TICKET_REPLIES, auth=auth, path_params=by_ticket), "reply"
            ),
            "notes": lambda: parse_thread_entries(
                client.call(paths.TICKET_NOTES, auth=auth, path_params=by_ticket), "note"
            ),
            "files": lambda: parse_files(
                client.call(paths.FILES_OF_TICKET, auth=auth, path_params=by_ticket)
            ),
            "staff": lambda: staff_directory(auth),
        }
    )
    the_ticket: Ticket = outcomes["ticket"].unwrap()
    errors = {name: o.error for name, o in outcomes.items() if o.error is not None}
    entries = (outcomes["replies"].value or []) + (outcomes["notes"].value or [])
    entries.sort(key=lambda entry: (entry.created_at is None, entry.created_at, entry.id))
    files: tuple[TicketFile, ...] = outcomes["files"].value or ()
    files_by_owner: dict[str, list[TicketFile]] = {}
    for item in files:
        owner = item.reply_id or item.note_id
        if owner:
            files_by_owner.setdefault(owner, []).append(item)
    staff: dict[str, StaffUser] = outcomes["staff"].value or {}
    names = {user_id: user.label for user_id, user in staff.items()}
    entries = [replace(e, author_name=names.get(e.author_id, e.author_id)) for e in entries]
    customer = None
    if the_ticket.customer_id:
        try:
            customer = customer_detail(auth, the_ticket.customer_id)
        except GatewayNotFound:
            customer = None
        except GatewayError as error:
            errors["customer"] = error
    return TicketThread(
        ticket=the_ticket,
        entries=entries,
        files_by_owner=files_by_owner,
        ticket_files=[f for f in files if not (f.reply_id or f.note_id)],
        followers=[
            staff.get(user_id) or StaffUser(user_id, "", "", ()) for user_id in the_ticket.followers
        ],
        staff_names=names,
        customer=customer,
        errors=errors,
    )


def file_metadata(auth: GatewayAuth, file_id: str) -> TicketFile:
    from .records import parse_file

    return parse_file(
        gateway_client().call(paths.FILE, auth=auth, path_params={"file_id": file_id})
    )


def file_content(auth: GatewayAuth, file_id: str) -> bytes:
    response = gateway_client().call(
        paths.FILE_CONTENT, auth=auth, path_params={"file_id": file_id}, raw=True
    )
    return bytes(response.content)


def reply_titles(auth: GatewayAuth) -> list[ReplyTitle]:
    body = gateway_client().call(paths.REPLY_TITLES, auth=auth)
    items = body.get("replyTitles") if isinstance(body, dict) else body
    return [parse_reply_title(item) for item in (items or [])]


def reply_messages(auth: GatewayAuth) -> list[ReplyMessage]:
    body = gateway_client().call(paths.REPLY_MESSAGES, auth=auth)
    items = body.get("replyMessages") if isinstance(body, dict) else body
    return [parse_reply_message(item) for item in (items or [])]


@dataclass(frozen=True)
class CannedReply:
    title: str
    message_id: str
    message: str


def canned_replies(auth: GatewayAuth) -> list[CannedReply]:
    """Active reply titles with their messages, for the composer's picker."""
    outcomes = read_concurrently(
        {"titles": lambda: reply_titles(auth), "messages": lambda: reply_messages(auth)}
    )
    titles = {t.id: t for t in outcomes["titles"].unwrap() if t.is_active}
    return [
        CannedReply(title=titles[m.title_id].title, message_id=m.id, message=m.message)
        for m in outcomes["messages"].unwrap()
        if m.title_id in titles
    ]


# ---- canned replies (the replies page) ------------------------------------------------------


@dataclass(frozen=True)
class CannedTitle:
    """A reply title with its messages, as the canned replies page lists them."""

    title: ReplyTitle
    messages: tuple[ReplyMessage, ...]


@dataclass(frozen=True)
class CannedCatalog:
    titles: tuple[CannedTitle, ...]
    orphans: tuple[ReplyMessage, ...]  # messages whose title the gateway did not list

    @property
    def message_count(self) -> int:
        return sum(len(t.messages) for t in self.titles) + len(self.orphans)


def canned_catalog(auth: GatewayAuth) -> CannedCatalog:
    """Every reply title (active or not) with its messages; both lists read at the same time."""
    outcomes = read_concurrently(
        {"titles": lambda: reply_titles(auth), "messages": lambda: reply_messages(auth)}
    )
    titles: list[ReplyTitle] = outcomes["titles"].unwrap()
    messages: list[ReplyMessage] = outcomes["messages"].unwrap()
    by_title: dict[str, list[ReplyMessage]] = {t.id: [] for t in titles}
    orphans = []
    for message in messages:
        if message.title_id in by_title:
            by_title[message.title_id].append(message)
        else:
            orphans.append(message)
    return CannedCatalog(
        titles=tuple(CannedTitle(t, tuple(by_title[t.id])) for t in titles),
        orphans=tuple(orphans),
    )


def reply_message(auth: GatewayAuth, message_id: str) -> ReplyMessage:
    return parse_reply_message(
        gateway_client().call(
            paths.REPLY_MESSAGE, auth=auth, path_params={"message_id": message_id}
        )
    )


# ---- the ticket report ----------------------------------------------------------------------

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

    return _cached(f"finsupport-report-sort:{auth.tenant_id}", load)  # type: ignore[no-any-return]


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
