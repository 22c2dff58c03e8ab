"""Reading the Finsupport ticket desk from the gateway. Views call these; no HTTP in views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from backoffice.gateway import paths
from backoffice.gateway.cached import cached_read
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.concurrent import Outcome, read_concurrently
from backoffice.gateway.connection import gateway_client
from backoffice.gateway.errors import GatewayError, GatewayNotFound
from backoffice.staff_directory import StaffUser, staff_directory
from customers.records import CustomerDetail
from customers.services import customer_detail

from .canned_services import (
    CannedReply,
    combine_canned,
    remember_canned,
    remembered_canned,
    reply_messages,
    reply_titles,
)
from .records import (
    ThreadEntry,
    Ticket,
    TicketFile,
    TicketPage,
    parse_files,
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
    # A key of tickets/queue_rows.SORT_KEYS, "-" first for descending; sorts the shown page.
    sort: str = ""


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
    # The composer's canned replies when they were read with the thread (None: not read).
    canned: Outcome[list[CannedReply]] | None = None

    def author_name(self, user_id: str) -> str:
        return self.staff_names.get(user_id, user_id)


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

    return cached_read(f"finsupport-enums:{auth.tenant_id}", load)


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


def ticket_thread(
    auth: GatewayAuth, ticket_id: str, *, with_canned: Callable[[Ticket], bool] | None = None
) -> TicketThread:
    """The ticket page's reads in two rounds: the ticket and its thread at the same time; then
    what depends on the ticket, also at the same time: its customer and, when `with_canned`
    says the person may write on it, the canned replies for the composer."""
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
    second_round: dict[str, Callable[[], Any]] = {}
    if the_ticket.customer_id:
        second_round["customer"] = lambda: customer_detail(auth, the_ticket.customer_id)
    kept_canned = None
    if with_canned is not None and with_canned(the_ticket):
        kept_canned = remembered_canned(auth)
        if kept_canned is None:
            second_round["titles"] = lambda: reply_titles(auth)
            second_round["messages"] = lambda: reply_messages(auth)
    second = read_concurrently(second_round) if second_round else {}
    customer = None
    if "customer" in second:
        customer_error = second["customer"].error
        if customer_error is None:
            customer = second["customer"].value
        elif not isinstance(customer_error, GatewayNotFound):
            errors["customer"] = customer_error
    canned: Outcome[list[CannedReply]] | None = None
    if kept_canned is not None:
        canned = Outcome(value=kept_canned)
    elif "titles" in second:
        titles, messages = second["titles"], second["messages"]
        failed = titles.error or messages.error
        if failed is not None:
            canned = Outcome(error=failed)
        else:
            canned = Outcome(value=combine_canned(titles.unwrap(), messages.unwrap()))
            remember_canned(auth, canned.unwrap())
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
        canned=canned,
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
