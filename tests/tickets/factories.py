"""Finsupport answers shaped as docs/gateway.md says, and helpers to read what was sent."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import responses

from backoffice.form_tokens import issue_form_token
from backoffice.models import StaffMember
from tests.conftest import FAKE_GATEWAY

FINSUPPORT = FAKE_GATEWAY + "/finsupport/1.0.0"
CUSTOMERS = FAKE_GATEWAY + "/customer/2.0.0"
STAFF_USERS = FAKE_GATEWAY + "/api/v2/users"
ENUMS = {
    "ticket-status": [
        "OPEN",
        "IN_PROGRESS",
        "ON_HOLD",
        "ESCALATED",
        "RESOLVED",
        "COMPLETED",
        "CLOSED",
    ],
    "priority": ["LOW", "MEDIUM", "HIGH", "URGENT"],
    "category": ["ACCOUNT", "PAYMENTS", "CARDS", "KYC", "TECHNICAL", "OTHER"],
}
ENUM_URLS = [f"{FINSUPPORT}/enums/{name}" for name in ENUMS]
REPLY_TITLES = FINSUPPORT + "/reply-titles"
REPLY_MESSAGES = FINSUPPORT + "/reply-messages"

TICKET_ID = "t-00001"
CUSTOMER_ID = "c-00042"
TOKENS = {name: f"access-u-{name}-secret" for name in ("alice", "bob", "carol")}


def ticket_url(ticket_id: str = TICKET_ID, suffix: str = "") -> str:
    return f"{FINSUPPORT}/ticket/{ticket_id}{suffix}"


def ticket_json(ticket_id: str = TICKET_ID, **overrides: Any) -> dict[str, Any]:
    """A Ticket as the gateway answers it: carol's open, high-priority payments ticket."""
    ticket: dict[str, Any] = {
        "id": ticket_id,
        "title": "Card payment declined twice",
        "description": "Customer says the payment to Lidl failed twice on 2026-11-02.",
        "status": "OPEN",
        "priority": "HIGH",
        "category": "PAYMENTS",
        "customerId": CUSTOMER_ID,
        "createdBy": CUSTOMER_ID,
        "assigneeId": "u-carol",
        "followers": ["u-bob"],
        "escalated": False,
        "startDate": "2026-11-03",
        "createdAt": "2026-11-02T08:15:00.000Z",
        "updatedAt": "2026-11-04T16:40:12.345Z",
        "closedAt": None,
        "escalationReason": None,
        "closeReason": None,
    }
    ticket.update(overrides)
    return ticket


def page_json(
    *tickets: dict[str, Any], total: int | None = None, pages: int = 1, current: int = 1
) -> dict[str, Any]:
    return {
        "tickets": list(tickets),
        "pagination": {
            "numberOfPage": pages,
            "totalSize": len(tickets) if total is None else total,
            "currentPage": current,
        },
    }


def reply_json(reply_id: str, created_at: str, **overrides: Any) -> dict[str, Any]:
    reply: dict[str, Any] = {
        "id": reply_id,
        "ticketId": TICKET_ID,
        "authorId": "u-carol",
        "authorRole": "ASSIGNEE",
        "message": f"Reply {reply_id}",
        "fileIds": [],
        "createdAt": created_at,
    }
    reply.update(overrides)
    return reply


def note_json(note_id: str, created_at: str, **overrides: Any) -> dict[str, Any]:
    note: dict[str, Any] = {
        "id": note_id,
        "ticketId": TICKET_ID,
        "authorId": "u-carol",
        "authorRole": "ASSIGNEE",
        "note": f"Note {note_id}",
        "fileIds": [],
        "createdAt": created_at,
    }
    note.update(overrides)
    return note


def file_json(file_id: str, file_name: str = "receipt.pdf", **overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": file_id,
        "fileName": file_name,
        "contentType": "application/pdf",
        "size": 2048,
        "uploadedBy": "u-carol",
        "uploadedAt": "2026-11-03T09:00:00.000Z",
        "ticketId": TICKET_ID,
        "replyId": None,
        "noteId": None,
    }
    item.update(overrides)
    return item


def staff_json() -> list[dict[str, Any]]:
    return [
        {"id": "u-alice", "username": "alice", "name": "Alice Admin", "roles": ["ADMIN"]},
        {"id": "u-bob", "username": "bob", "name": "Bob Compliance", "roles": ["COMPLIANCE"]},
        {"id": "u-carol", "username": "carol", "name": "Carol Agent", "roles": ["ASSIGNEE"]},
        {"id": "u-erin", "username": "erin", "name": "Erin Compliance", "roles": ["COMPLIANCE"]},
    ]


def customer_json(customer_id: str = CUSTOMER_ID, **overrides: Any) -> dict[str, Any]:
    """A CustomerDetail, secret fields included as the gateway sends them."""
    customer: dict[str, Any] = {
        "id": customer_id,
        "customerType": "Person",
        "customerName": "Ivan Petrov",
        "customerStatus": "under_verificaiton",
        "categorization": "category2",
        "organizationId": "org-003",
        "created": "2024-03-05T09:30:00Z",
        "updated": "2024-06-01T12:00:00.123Z",
        "notifications": [],
        "person": {
            "firstName": {"name": "Ivan", "native": "Иван", "order": 1},
            "lastName": {"name": "Petrov", "native": "Петров", "order": 2},
            "fullName": "Ivan Petrov",
            "pinCode": "PIN-1234",
            "password": "pw-never-shown",
            "email": "ivan.petrov@example.bg",
            "SecretQuestion": [{"question": "First pet?", "answer": "secret-answer-rex"}],
        },
        "twofa": {"targetType": "SMS", "targetCode": "2FA-123456", "inputCode": "2FA-123456"},
        "kycConfirmation": {"status": "confirmed", "comment": "ok", "by": "u-erin", "at": None},
        "pepCheckStatus": {"status": "match", "comment": "namesake?", "by": "u-bob", "at": None},
        "revisions": [],
    }
    customer.update(overrides)
    return customer


def reply_titles_json() -> list[dict[str, Any]]:
    return [
        {"id": "rt-001", "title": "Acknowledge", "status": "ACTIVE"},
        {"id": "rt-002", "title": "Documents needed", "status": "ACTIVE"},
        {"id": "rt-004", "title": "Holiday delays (old)", "status": "INACTIVE"},
    ]


def reply_messages_json() -> list[dict[str, Any]]:
    return [
        {"id": "rm-001", "titleId": "rt-001", "message": "Thanks, we are looking into it."},
        {"id": "rm-002", "titleId": "rt-001", "message": "Thank you for your patience."},
        {"id": "rm-003", "titleId": "rt-002", "message": "Please send a copy of your ID."},
        {"id": "rm-006", "titleId": "rt-004", "message": "Holidays slow us down."},
    ]


def register_enums(gateway: responses.RequestsMock, **replacements: list[str]) -> None:
    """The three enum endpoints; pass e.g. `category=[...]` to change one."""
    for name, values in ENUMS.items():
        gateway.get(f"{FINSUPPORT}/enums/{name}", json=replacements.get(name, values))


def register_staff(gateway: responses.RequestsMock) -> None:
    gateway.get(STAFF_USERS, json=staff_json())


def register_ticket_page(
    gateway: responses.RequestsMock,
    *,
    ticket: dict[str, Any] | None = None,
    replies: list[dict[str, Any]] | None = None,
    notes: list[dict[str, Any]] | None = None,
    files: list[dict[str, Any]] | None = None,
    customer: dict[str, Any] | None = None,
    titles: list[dict[str, Any]] | None = None,
    messages: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Every read the ticket page may make; answers the ticket it registered."""
    ticket = ticket_json() if ticket is None else ticket
    ticket_id = ticket["id"]
    gateway.get(ticket_url(ticket_id), json=ticket)
    gateway.get(ticket_url(ticket_id, "/replies"), json=[] if replies is None else replies)
    gateway.get(ticket_url(ticket_id, "/notes"), json=[] if notes is None else notes)
    gateway.get(f"{FINSUPPORT}/files/ticket/{ticket_id}", json=[] if files is None else files)
    register_staff(gateway)
    if ticket.get("customerId"):
        gateway.get(
            f"{CUSTOMERS}/{ticket['customerId']}",
            json=customer_json(ticket["customerId"]) if customer is None else customer,
        )
    register_enums(gateway)
    gateway.get(REPLY_TITLES, json=reply_titles_json() if titles is None else titles)
    gateway.get(REPLY_MESSAGES, json=reply_messages_json() if messages is None else messages)
    return ticket


# Reading what was sent


def html(response: Any) -> str:
    return response.content.decode()


def called(gateway: responses.RequestsMock, method: str, url: str) -> list[Any]:
    """The requests made to one URL (query string ignored)."""
    return [
        call.request
        for call in gateway.calls
        if call.request.method == method and str(call.request.url).split("?")[0] == url
    ]


def writes_sent(gateway: responses.RequestsMock) -> list[Any]:
    return [call.request for call in gateway.calls if call.request.method in ("POST", "PUT")]


def query_of(request: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.url).query)


def json_body(request: Any) -> Any:
    return json.loads(request.body)


def multipart_parts(request: Any) -> list[dict[str, Any]]:
    """The parts of a multipart/form-data body: name, filename, content type and exact bytes."""
    content_type = request.headers["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=", 1)[1].encode()
    body: bytes = request.body if isinstance(request.body, bytes) else request.body.encode()
    chunks = body.split(b"--" + boundary)
    assert chunks[-1].strip() == b"--", "the body must end with the closing boundary"
    parts = []
    for chunk in chunks[1:-1]:
        assert chunk.startswith(b"\r\n") and chunk.endswith(b"\r\n")
        head, _, content = chunk[2:-2].partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode("utf-8").split("\r\n") if line)
        disposition = headers["Content-Disposition"]
        name = re.search(r'\bname="([^"]*)"', disposition)
        filename = re.search(r'\bfilename="([^"]*)"', disposition)
        parts.append(
            {
                "name": name.group(1) if name else "",
                "filename": filename.group(1) if filename else None,
                "content_type": headers.get("Content-Type"),
                "content": content,
            }
        )
    return parts


def form_token(username: str, action: str, target_id: str = "") -> str:
    """A form token as the page issues it to this person for this ticket (or canned) action."""
    from tickets.writes import form_scope

    member = StaffMember.objects.get(gateway_user_id=f"u-{username}")
    return issue_form_token(member, form_scope(action, target_id))


def textarea(page: str, name: str) -> str:
    """The text inside the textarea called `name`, as HTML (escaped)."""
    found = re.search(rf'(?s)<textarea[^>]*name="{re.escape(name)}"[^>]*>\n?(.*?)</textarea>', page)
    assert found is not None, f"no textarea {name}"
    return found.group(1)


def action_urls(page: str, ticket_id: str = TICKET_ID) -> set[str]:
    return set(re.findall(rf'action="/tickets/{ticket_id}/actions/([a-z_]+)/"', page))


def thread_entries(page: str) -> list[tuple[str, str, str]]:
    """(class, data-testid, html) of each thread entry, in page order."""
    thread = re.search(r'(?s)<section aria-labelledby="h-thread".*?</section>', page)
    assert thread is not None
    return re.findall(
        r'(?s)<div class="entry ([a-z-]+)" data-testid="([a-z]+-[a-z0-9-]+)">(.*?)\n      </div>',
        thread.group(0),
    )
