"""Ticket writes: the role-appropriate endpoint for each action, and one audit record per write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from backoffice import audit
from backoffice.gateway import paths
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.connection import gateway_client
from backoffice.gateway.errors import GatewayError
from backoffice.gateway.paths import Endpoint
from backoffice.models import StaffMember
from backoffice.staff import ROLE_ADMIN, ROLE_ASSIGNEE, StaffIdentity

from .records import Ticket, TicketFile, parse_files

ADMIN_ONLY = frozenset({"close", "complete", "assign"})
ASSIGNED_AGENT = frozenset({"reply", "note", "status", "escalate", "start_date", "edit"})
EVERYONE = frozenset({"follow"})
ALL_ACTIONS = ADMIN_ONLY | ASSIGNED_AGENT | EVERYONE

# (admin endpoint, assigned agent's endpoint) per action
ENDPOINTS: dict[str, tuple[Endpoint, Endpoint | None]] = {
    "reply": (paths.TICKET_ADMIN_REPLY, paths.TICKET_ASSIGNEE_REPLY),
    "note": (paths.TICKET_ADMIN_NOTE, paths.TICKET_ASSIGNEE_NOTE),
    "status": (paths.TICKET_ADMIN_STATUS, paths.TICKET_ASSIGNEE_STATUS),
    "escalate": (paths.TICKET_ESCALATE, paths.TICKET_ESCALATE),
    "start_date": (paths.TICKET_START_DATE, paths.TICKET_START_DATE),
    "edit": (paths.TICKET_UPDATE, paths.TICKET_UPDATE),
    "close": (paths.TICKET_ADMIN_CLOSE, None),
    "complete": (paths.TICKET_ADMIN_COMPLETE, None),
    "assign": (paths.TICKET_ASSIGN, None),
    "follow": (paths.TICKET_FOLLOW, paths.TICKET_FOLLOW),
}

ACTION_LABELS = {
    "reply": "Reply sent",
    "note": "Internal note added",
    "status": "Status changed",
    "escalate": "Ticket escalated",
    "start_date": "Start date set",
    "edit": "Ticket updated",
    "close": "Ticket closed",
    "complete": "Ticket completed for the assignee",
    "assign": "Assignee changed",
    "follow": "Follower added",
    "create": "Ticket created",
    "upload": "Files uploaded",
}


class TicketWriteRefused(Exception):
    """The back office refuses the write for this person; nothing was sent."""


@dataclass(frozen=True)
class TicketWrite:
    action: str
    ticket_id: str
    body: dict[str, Any]
    summary: dict[str, Any] = field(default_factory=dict)


def allowed_actions(identity: StaffIdentity, ticket: Ticket) -> frozenset[str]:
    if identity.has_role(ROLE_ADMIN):
        return ALL_ACTIONS
    if identity.has_role(ROLE_ASSIGNEE) and ticket.assignee_id == identity.user_id:
        return ASSIGNED_AGENT | EVERYONE
    return EVERYONE


def endpoint_for(identity: StaffIdentity, action: str) -> Endpoint:
    admin_endpoint, agent_endpoint = ENDPOINTS[action]
    if identity.has_role(ROLE_ADMIN):
        return admin_endpoint
    if agent_endpoint is None:
        raise TicketWriteRefused("Only an admin may do this.")
    return agent_endpoint


def ensure_allowed(identity: StaffIdentity, ticket: Ticket, action: str) -> None:
    if action not in allowed_actions(identity, ticket):
        if action in ADMIN_ONLY:
            raise TicketWriteRefused("Only an admin may do this.")
        raise TicketWriteRefused(
            "Only an admin or the agent this ticket is assigned to may do this."
        )


def send_ticket_write(
    auth: GatewayAuth,
    member: StaffMember,
    identity: StaffIdentity,
    ticket: Ticket,
    write: TicketWrite,
) -> Any:
    """Check the role, make the call once (never retried) and audit it either way."""
    ensure_allowed(identity, ticket, write.action)
    endpoint = endpoint_for(identity, write.action)
    try:
        answer = gateway_client().call(
            endpoint, auth=auth, path_params={"ticket_id": write.ticket_id}, json=write.body
        )
    except GatewayError as error:
        _audit(member, write, auth.request_id, error)
        raise
    _audit(member, write, auth.request_id)
    return answer


def create_ticket(
    auth: GatewayAuth, member: StaffMember, body: dict[str, Any], *, summary: dict[str, Any]
) -> Any:
    """Create New Ticket: staff open a ticket on a customer's behalf, with an assignee."""
    write = TicketWrite("create", "", body, summary)
    try:
        answer = gateway_client().call(paths.TICKET_CREATE_FOR_CUSTOMER, auth=auth, json=body)
    except GatewayError as error:
        _audit(member, write, auth.request_id, error)
        raise
    ticket_id = str(answer.get("id", "")) if isinstance(answer, dict) else ""
    _audit(member, TicketWrite("create", ticket_id, body, summary), auth.request_id)
    return answer


def upload_files(
    auth: GatewayAuth, member: StaffMember, ticket_id: str, files: Sequence[UploadedFile[Any]]
) -> tuple[TicketFile, ...]:
    """Send files to the gateway in one multipart call, before the reply or note that uses them."""
    parts = [
        ("files", (f.name, f.read(), f.content_type or "application/octet-stream")) for f in files
    ]
    write = TicketWrite(
        "upload",
        ticket_id,
        {},
        {"files": [{"name": f.name, "size": f.size, "type": f.content_type} for f in files]},
    )
    try:
        answer = gateway_client().call(
            paths.FILES_UPLOAD, auth=auth, files=parts, data={"ticketId": ticket_id}
        )
    except GatewayError as error:
        _audit(member, write, auth.request_id, error)
        raise
    _audit(member, write, auth.request_id)
    return parse_files(answer)


def _audit(
    member: StaffMember, write: TicketWrite, request_id: str, error: GatewayError | None = None
) -> None:
    audit.record(
        staff=member,
        action=f"ticket.{write.action}",
        target_type="canned_reply" if write.action.startswith("reply_") else "ticket",
        target_id=write.ticket_id or "(new)",
        summary={**write.summary, "body": write.body},
        request_id=request_id,
        error=error,
    )


# ---- canned replies: reply titles and their messages (ADMIN only at the gateway) -------------

CANNED_ACTION_LABELS = {
    "reply_title.create": "Reply title created",
    "reply_title.status": "Reply title status changed",
    "reply_message.create": "Canned message added",
    "reply_message.update": "Canned message saved",
}


def _canned_write(
    auth: GatewayAuth,
    member: StaffMember,
    endpoint: Endpoint,
    write: TicketWrite,
    *,
    path_params: dict[str, str] | None = None,
) -> Any:
    """One call, never retried; audited under the id the gateway answered with (or the one sent)."""
    try:
        answer = gateway_client().call(
            endpoint, auth=auth, path_params=path_params or {}, json=write.body
        )
    except GatewayError as error:
        _audit(member, write, auth.request_id, error)
        raise
    answered_id = str(answer.get("id", "")) if isinstance(answer, dict) else ""
    _audit(
        member,
        TicketWrite(write.action, answered_id or write.ticket_id, write.body, write.summary),
        auth.request_id,
    )
    return answer


def create_reply_title(auth: GatewayAuth, member: StaffMember, title: str) -> Any:
    """Create a reply title (the gateway makes it ACTIVE)."""
    return _canned_write(
        auth,
        member,
        paths.REPLY_TITLE_CREATE,
        TicketWrite("reply_title.create", "", {"title": title}),
    )


def set_reply_title_status(
    auth: GatewayAuth, member: StaffMember, title_id: str, status: str, *, before: str = ""
) -> Any:
    """Activate or deactivate a reply title."""
    return _canned_write(
        auth,
        member,
        paths.REPLY_TITLE_STATUS,
        TicketWrite(
            "reply_title.status",
            title_id,
            {"status": status},
            {"before": before, "after": status} if before else {"after": status},
        ),
        path_params={"title_id": title_id},
    )


def create_reply_message(
    auth: GatewayAuth, member: StaffMember, title_id: str, message: str
) -> Any:
    """Add a message under a reply title."""
    return _canned_write(
        auth,
        member,
        paths.REPLY_MESSAGE_CREATE,
        TicketWrite(
            "reply_message.create",
            "",
            {"titleId": title_id, "message": message},
            {"titleId": title_id},
        ),
    )


def update_reply_message(
    auth: GatewayAuth, member: StaffMember, message_id: str, body: dict[str, Any]
) -> Any:
    """Change a message's text and/or move it to another title: `{titleId?, message?}`."""
    return _canned_write(
        auth,
        member,
        paths.REPLY_MESSAGE_UPDATE,
        TicketWrite("reply_message.update", message_id, body),
        path_params={"message_id": message_id},
    )
