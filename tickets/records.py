"""Finsupport data as the back office holds it, parsed from gateway JSON in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from django.utils.dateparse import parse_date

from backoffice.gateway.errors import GatewayBadResponse
from backoffice.gateway.json_fields import PageNumbers, as_moment, page_numbers
from backoffice.gateway.json_fields import as_int as _int
from backoffice.gateway.json_fields import as_list as _list
from backoffice.gateway.json_fields import as_text as _text

from . import enums


@dataclass(frozen=True)
class Ticket(enums.StatusAndPriorityBadges):
    id: str
    title: str
    description: str
    status: str
    priority: str
    category: str
    customer_id: str
    created_by: str
    assignee_id: str
    followers: tuple[str, ...]
    escalated: bool
    start_date: date | None
    created_at: datetime | None
    updated_at: datetime | None
    closed_at: datetime | None

    @property
    def category_label(self) -> str:
        return enums.label(enums.CATEGORY_LABELS, self.category)

    @property
    def is_closed(self) -> bool:
        return self.status in enums.FINISHED_STATUSES


@dataclass(frozen=True)
class TicketPage(PageNumbers):
    tickets: tuple[Ticket, ...]
    total: int
    page: int
    page_size: int
    pages: int

    @property
    def item_count(self) -> int:
        return len(self.tickets)


@dataclass(frozen=True)
class TicketFile:
    id: str
    file_name: str
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime | None
    ticket_id: str = ""
    reply_id: str = ""
    note_id: str = ""


@dataclass(frozen=True)
class ThreadEntry:
    """A public reply or an internal note, as one line of a ticket's thread."""

    kind: Literal["reply", "note"]
    id: str
    author_id: str
    author_role: str
    text: str
    file_ids: tuple[str, ...]
    created_at: datetime | None
    author_name: str = ""

    @property
    def is_internal(self) -> bool:
        return self.kind == "note"


@dataclass(frozen=True)
class ReplyTitle:
    id: str
    title: str
    status: str

    @property
    def is_active(self) -> bool:
        return self.status == "ACTIVE"


@dataclass(frozen=True)
class ReplyMessage:
    id: str
    title_id: str
    message: str


def parse_ticket(data: Any) -> Ticket:
    if not isinstance(data, dict) or not data.get("id"):
        raise GatewayBadResponse("The gateway sent a ticket without an id.")
    start = data.get("startDate")
    start_date = None
    if isinstance(start, str):
        try:
            start_date = parse_date(start[:10])
        except ValueError:
            start_date = None
    return Ticket(
        id=_text(data["id"]),
        title=_text(data.get("title")) or "(no title)",
        description=_text(data.get("description")),
        status=_text(data.get("status")),
        priority=_text(data.get("priority")),
        category=_text(data.get("category")),
        customer_id=_text(data.get("customerId")),
        created_by=_text(data.get("createdBy")),
        assignee_id=_text(data.get("assigneeId")),
        followers=tuple(_text(f) for f in _list(data.get("followers")) if f),
        escalated=bool(data.get("escalated")),
        start_date=start_date,
        created_at=as_moment(data.get("createdAt")),
        updated_at=as_moment(data.get("updatedAt")),
        closed_at=as_moment(data.get("closedAt")),
    )


def parse_ticket_page(body: Any, *, page_size: int) -> TicketPage:
    if not isinstance(body, dict) or not isinstance(body.get("tickets"), list):
        raise GatewayBadResponse("The gateway's ticket list has no 'tickets' array.")
    tickets = tuple(parse_ticket(item) for item in body["tickets"])
    return TicketPage(
        tickets=tickets,
        page_size=page_size,
        **page_numbers(body.get("pagination"), item_count=len(tickets), page_size=page_size),
    )


def parse_file(data: Any) -> TicketFile:
    if not isinstance(data, dict) or not data.get("id"):
        raise GatewayBadResponse("The gateway sent a file without an id.")
    return TicketFile(
        id=_text(data["id"]),
        file_name=_text(data.get("fileName")) or "file",
        content_type=_text(data.get("contentType")) or "application/octet-stream",
        size=_int(data.get("size"), 0),
        uploaded_by=_text(data.get("uploadedBy")),
        uploaded_at=as_moment(data.get("uploadedAt")),
        ticket_id=_text(data.get("ticketId")),
        reply_id=_text(data.get("replyId")),
        note_id=_text(data.get("noteId")),
    )


def parse_files(body: Any) -> tuple[TicketFile, ...]:
    if isinstance(body, dict):
        body = body.get("files")
    if not isinstance(body, list):
        raise GatewayBadResponse("The gateway's file list is not a list.")
    return tuple(parse_file(item) for item in body)


def parse_thread_entry(data: Any, kind: Literal["reply", "note"]) -> ThreadEntry:
    if not isinstance(data, dict) or not data.get("id"):
        raise GatewayBadResponse(f"The gateway sent a {kind} without an id.")
    return ThreadEntry(
        kind=kind,
        id=_text(data["id"]),
        author_id=_text(data.get("authorId")),
        author_role=_text(data.get("authorRole")),
        text=_text(data.get("message") if kind == "reply" else data.get("note")),
        file_ids=tuple(_text(f) for f in _list(data.get("fileIds")) if f),
        created_at=as_moment(data.get("createdAt")),
    )


def parse_thread_entries(body: Any, kind: Literal["reply", "note"]) -> list[ThreadEntry]:
    if isinstance(body, dict):
        body = body.get("replies" if kind == "reply" else "notes")
    if not isinstance(body, list):
        raise GatewayBadResponse(f"The gateway's {kind} list is not a list.")
    return [parse_thread_entry(item, kind) for item in body]


def parse_reply_title(data: Any) -> ReplyTitle:
    if not isinstance(data, dict) or not data.get("id"):
        raise GatewayBadResponse("The gateway sent a reply title without an id.")
    return ReplyTitle(
        id=_text(data["id"]), title=_text(data.get("title")), status=_text(data.get("status"))
    )


def parse_reply_message(data: Any) -> ReplyMessage:
    if not isinstance(data, dict) or not data.get("id"):
        raise GatewayBadResponse("The gateway sent a reply message without an id.")
    return ReplyMessage(
        id=_text(data["id"]),
        title_id=_text(data.get("titleId")),
        message=_text(data.get("message")),
    )


def parse_string_list(body: Any, what: str) -> tuple[str, ...]:
    if isinstance(body, dict):
        body = body.get("values") or body.get(what)
    if not isinstance(body, list):
        raise GatewayBadResponse(f"The gateway's {what} list is not a list.")
    return tuple(_text(item) for item in body if item)
