"""Ticket writes: the role-appropriate endpoint for each action, sent through the write pipeline
(one send, one audit record, reconciliation; see backoffice/write_pipeline.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from backoffice import write_pipeline
from backoffice.form_tokens import FormScope
from backoffice.gateway import paths
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.errors import GatewayError, GatewayUnauthorized
from backoffice.gateway.paths import Endpoint
from backoffice.models import StaffMember
from backoffice.staff import ROLE_ADMIN, ROLE_ASSIGNEE, StaffIdentity
from backoffice.write_pipeline import Sent, Write

from . import canned_services
from .reconcilers import message_expectation
from .records import Ticket, TicketFile, parse_files
from .services import TicketThread

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
    # What a read-back must find if its answer is lost (tickets/reconcilers.py).
    expect: dict[str, Any] = field(default_factory=dict)

    @property
    def scope(self) -> FormScope:
        return form_scope(self.action, self.ticket_id)


def form_scope(action: str, ticket_id: str = "") -> FormScope:
    """What a ticket write form's token is bound to; canned replies are their own targets."""
    target_type = "canned_reply" if action.startswith("reply_") else "ticket"
    return FormScope(f"ticket.{action}", target_type, ticket_id)


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


def _pipeline_write(
    write: TicketWrite, endpoint: Endpoint, path_params: dict[str, str] | None = None
) -> Write:
    return Write(
        scope=write.scope,
        endpoint=endpoint,
        path_params={"ticket_id": write.ticket_id} if path_params is None else path_params,
        json=write.body,
        summary={**write.summary, "body": write.body},
        expect=write.expect or write.body,
        created_id=_answered_id if not write.ticket_id else None,
    )


def _answered_id(answer: Any) -> str:
    return str(answer.get("id", "")) if isinstance(answer, dict) else ""


def send_ticket_write(
    auth: GatewayAuth,
    member: StaffMember,
    identity: StaffIdentity,
    ticket: Ticket,
    write: TicketWrite,
    form_token: str,
) -> Sent:
    """Through the write pipeline: token, role, one call (never retried), audit, reconcile."""
    with write_pipeline.claim(
        auth,
        member,
        write.scope,
        form_token,
        permit=lambda: ensure_allowed(identity, ticket, write.action),
    ) as claimed:
        return claimed.send(_pipeline_write(write, endpoint_for(identity, write.action)))


def send_keyed_ticket_write(
    auth: GatewayAuth,
    member: StaffMember,
    identity: StaffIdentity,
    ticket: Ticket,
    write: TicketWrite,
    once_key: str,
) -> Sent:
    """`send_ticket_write` claimed on a key the server made instead of a form's token (the
    status set after a reply, one bulk item): once only, audited, reconciled the same way."""
    ensure_allowed(identity, ticket, write.action)
    with write_pipeline.claim_by_key(auth, member, write.scope, once_key) as claimed:
        return claimed.send(_pipeline_write(write, endpoint_for(identity, write.action)))


def send_message(
    auth: GatewayAuth,
    member: StaffMember,
    identity: StaffIdentity,
    thread_before: TicketThread,
    kind: str,
    form_token: str,
    *,
    text: str,
    attachments: Sequence[UploadedFile[Any]],
    kept: list[dict[str, str]],
) -> Sent:
    """A reply or note: claim the form, upload its new files (added to `kept`, so a failure
    further on can keep them), then send the message once."""
    ticket = thread_before.ticket
    with write_pipeline.claim(
        auth,
        member,
        form_scope(kind, ticket.id),
        form_token,
        permit=lambda: ensure_allowed(identity, ticket, kind),
    ) as claimed:
        if attachments:
            new_files = upload_files(auth, member, ticket.id, attachments)
            kept.extend({"id": f.id, "name": f.file_name} for f in new_files)
        text_field = "message" if kind == "reply" else "note"
        write = TicketWrite(
            kind,
            ticket.id,
            {text_field: text, "fileIds": [f["id"] for f in kept]},
            {"files": [f["name"] for f in kept]},
            expect=message_expectation(kind, text, identity.user_id, thread_before.entries),
        )
        return claimed.send(_pipeline_write(write, endpoint_for(identity, kind)))


def create_ticket(
    auth: GatewayAuth,
    member: StaffMember,
    body: dict[str, Any],
    form_token: str,
    *,
    summary: dict[str, Any],
) -> Sent:
    """Create New Ticket: staff open a ticket on a customer's behalf, with an assignee."""
    write = TicketWrite("create", "", body, summary)
    return write_pipeline.submit(
        auth, member, _pipeline_write(write, paths.TICKET_CREATE_FOR_CUSTOMER, {}), form_token
    )


def upload_files(
    auth: GatewayAuth, member: StaffMember, ticket_id: str, files: Sequence[UploadedFile[Any]]
) -> tuple[TicketFile, ...]:
    """Send files to the gateway in one multipart call, as a step of the claimed reply or note
    that uses them (see post_message)."""
    parts = [
        ("files", (f.name, f.read(), f.content_type or "application/octet-stream")) for f in files
    ]
    summary = {"files": [{"name": f.name, "size": f.size, "type": f.content_type} for f in files]}
    write = Write(
        scope=form_scope("upload", ticket_id),
        endpoint=paths.FILES_UPLOAD,
        files=parts,
        data={"ticketId": ticket_id},
        summary={**summary, "body": {}},
    )
    return parse_files(write_pipeline.send_once(auth, member, write))


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
    form_token: str,
    *,
    path_params: dict[str, str] | None = None,
) -> Any:
    """Through the write pipeline; audited under the id the gateway answered with (or sent)."""
    described = replace(
        _pipeline_write(write, endpoint, path_params or {}), created_id=_answered_id
    )
    try:
        return write_pipeline.submit(auth, member, described, form_token).answer
    finally:  # even a failed send may have changed them (an unknown outcome)
        canned_services.forget_canned(auth)


def _known_ids(read: Callable[[], list[Any]]) -> list[str] | None:
    """Ids already at the gateway before a create, so a read-back can tell ours apart; None
    when they cannot be read (the read-back then cannot decide)."""
    try:
        return [item.id for item in read()]
    except GatewayUnauthorized:
        raise
    except GatewayError:
        return None


def create_reply_title(auth: GatewayAuth, member: StaffMember, title: str, form_token: str) -> Any:
    """Create a reply title (the gateway makes it ACTIVE)."""
    known = _known_ids(lambda: canned_services.reply_titles(auth))
    return _canned_write(
        auth,
        member,
        paths.REPLY_TITLE_CREATE,
        TicketWrite(
            "reply_title.create", "", {"title": title}, expect={"title": title, "known_ids": known}
        ),
        form_token,
    )


def set_reply_title_status(
    auth: GatewayAuth,
    member: StaffMember,
    title_id: str,
    status: str,
    form_token: str,
    *,
    before: str = "",
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
        form_token,
        path_params={"title_id": title_id},
    )


def create_reply_message(
    auth: GatewayAuth, member: StaffMember, title_id: str, message: str, form_token: str
) -> Any:
    """Add a message under a reply title."""
    known = _known_ids(lambda: canned_services.reply_messages(auth))
    body = {"titleId": title_id, "message": message}
    return _canned_write(
        auth,
        member,
        paths.REPLY_MESSAGE_CREATE,
        TicketWrite(
            "reply_message.create",
            title_id,
            body,
            {"titleId": title_id},
            {**body, "known_ids": known},
        ),
        form_token,
    )


def update_reply_message(
    auth: GatewayAuth, member: StaffMember, message_id: str, body: dict[str, Any], form_token: str
) -> Any:
    """Change a message's text and/or move it to another title: `{titleId?, message?}`."""
    return _canned_write(
        auth,
        member,
        paths.REPLY_MESSAGE_UPDATE,
        TicketWrite("reply_message.update", message_id, body),
        form_token,
        path_params={"message_id": message_id},
    )
