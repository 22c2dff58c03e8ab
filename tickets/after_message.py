"""What follows a sent reply or note: the status asked for with it ("Send and mark Resolved"),
sent as a write of its own after the reply, and the way on (the same tab, or the next ticket).

The reply is never sent again from here: a status change that fails leaves the reply sent and
says so, with the status form ready to send the status alone.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from backoffice.form_tokens import issue_form_token, nonce_of
from backoffice.gateway.errors import GatewayError, GatewayUnauthorized
from backoffice.http import StaffRequest
from backoffice.staff import ROLE_ADMIN
from backoffice.write_pipeline import OutcomeUnknown

from . import enums, services
from .action_forms import StatusForm
from .detail_page import render_ticket_page
from .message_forms import MessageForm
from .next_ticket import next_ticket_id
from .records import Ticket
from .writes import TicketWrite, TicketWriteRefused, form_scope, send_keyed_ticket_write


def after_message_sent(
    request: StaffRequest, thread: services.TicketThread, form: MessageForm, kind: str
) -> HttpResponse:
    """Called once the reply or note is sent (and its success told)."""
    ticket = thread.ticket
    wanted = form.cleaned_data.get("then_status") or ""
    if kind == "reply" and wanted and wanted != ticket.status:
        failure = _set_status(request, ticket, wanted, form.cleaned_data["form_token"])
        if failure is not None:
            return _status_not_changed(request, ticket.id, wanted, failure)
    if form.cleaned_data.get("next_ticket"):
        return _to_next_ticket(request, ticket)
    url = reverse("tickets:detail", args=[ticket.id])
    if kind == "note":
        url += "?" + urlencode({"composer": "note"}) + "#composer"
    return redirect(url)


def _set_status(request: StaffRequest, ticket: Ticket, status: str, reply_token: str) -> str | None:
    """Send the status change once (claimed on the reply's own form, so a resubmitted reply
    never sets it twice); None when applied, else why it was not."""
    member, identity = request.user, request.staff
    reply_nonce = nonce_of(member, form_scope("reply", ticket.id), reply_token)
    if not identity.has_role(ROLE_ADMIN) and status not in enums.ASSIGNEE_STATUSES:
        return "only an admin may set this status"
    write = TicketWrite("status", ticket.id, {"status": status}, {"after_reply": True})
    try:
        send_keyed_ticket_write(
            request.gateway_auth, member, identity, ticket, write, f"after-reply:{reply_nonce}"
        )
    except GatewayUnauthorized:
        raise
    except TicketWriteRefused as refused:
        return str(refused).rstrip(".").lower()
    except OutcomeUnknown as unknown:
        return unknown.message
    except GatewayError as error:
        return error.title if error.message == error.title else f"{error.title}: {error.message}"
    messages.success(request, f"Status set to {enums.label(enums.STATUS_LABELS, status)}.")
    return None


def _status_not_changed(
    request: StaffRequest, ticket_id: str, status: str, reason: str
) -> HttpResponse:
    """The page with the reply in its thread and the status form open on the wanted status."""
    thread = services.ticket_thread(request.gateway_auth, ticket_id)
    label = enums.label(enums.STATUS_LABELS, status)
    status_form = StatusForm(
        initial={
            "form_token": issue_form_token(request.user, form_scope("status", ticket_id)),
            "status": status,
        },
        ticket_enums=services.ticket_enums(request.gateway_auth),
        admin=request.staff.has_role(ROLE_ADMIN),
        staff={},
        ticket=thread.ticket,
    )
    banner = (
        f"Reply sent. The status was not changed to {label} ({reason}). "
        f"To set it, use “Change status” below; the reply will not be sent again."
    )
    return render_ticket_page(request, thread, bound=status_form, status=502, banner=banner)


def _to_next_ticket(request: StaffRequest, ticket: Ticket) -> HttpResponse:
    try:
        next_id = next_ticket_id(request, ticket)
    except GatewayUnauthorized:
        raise
    except GatewayError as error:
        messages.warning(request, f"The next ticket could not be found ({error.title}).")
        return redirect("tickets:detail", ticket_id=ticket.id)
    if next_id is None:
        messages.info(request, "No other ticket is waiting in your queue.")
        return redirect("tickets:queue")
    return redirect("tickets:detail", ticket_id=next_id)
