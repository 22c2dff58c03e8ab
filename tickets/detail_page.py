"""Rendering the ticket page: header, thread, composers and the actions this person may take."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render

from backoffice.form_tokens import issue_form_token
from backoffice.gateway.errors import GatewayError, GatewayUnauthorized
from backoffice.http import StaffRequest
from backoffice.staff_directory import StaffUser, staff_directory
from backoffice.write_reconciliation import settle_unknown

from . import canned_services, services
from .action_forms import ACTION_FORMS, TicketActionForm
from .composer_options import statuses_after_reply
from .message_forms import MessageForm, NoteForm
from .records import Ticket
from .services import TicketThread
from .thread_rows import canned_choices, file_links, thread_rows
from .writes import allowed_actions, form_scope

GREETING_PLACEHOLDER = "{greeting}"


def _canned(
    request: StaffRequest, thread: TicketThread
) -> tuple[list[canned_services.CannedReply], GatewayError | None]:
    outcome = thread.canned
    if outcome is None:  # not read with the thread: read them now
        try:
            canned = canned_services.canned_replies(request.gateway_auth)
        except GatewayUnauthorized:
            raise
        except GatewayError as error:
            return [], error
    elif outcome.error is not None:
        if isinstance(outcome.error, GatewayUnauthorized):
            raise outcome.error
        return [], outcome.error
    else:
        canned = outcome.unwrap()
    greeting = greeting_for(thread)
    return [
        replace(reply, message=reply.message.replace(GREETING_PLACEHOLDER, greeting))
        for reply in canned
    ], None


def writes_on(request: StaffRequest) -> Callable[[Ticket], bool]:
    """Whether this person may reply or add a note on a ticket: then the page offers the
    composer, and its canned replies are read with the thread."""
    return lambda ticket: bool({"reply", "note"} & allowed_actions(request.staff, ticket))


def greeting_for(thread: TicketThread) -> str:
    """What a canned message's {greeting} becomes: the customer's name when we know it."""
    customer = thread.customer
    if customer is not None and customer.person is not None and customer.person.first_name.name:
        return f"Dear {customer.person.first_name.name},"
    if customer is not None and customer.name:
        return f"Dear {customer.name},"
    return "Hello,"


def _enums_and_staff(
    request: StaffRequest, thread: TicketThread
) -> tuple[services.TicketEnums, dict[str, StaffUser]]:
    """Choices for the action forms; without them the forms are simply not offered."""
    try:
        enums = services.ticket_enums(request.gateway_auth)
    except GatewayUnauthorized:
        raise
    except GatewayError as error:
        thread.errors["enums"] = error
        enums = services.TicketEnums((), (), ())
    try:
        staff = staff_directory(request.gateway_auth)
    except GatewayUnauthorized:
        raise
    except GatewayError as error:
        thread.errors.setdefault("staff", error)
        staff = {}
    return enums, staff


def render_ticket_page(
    request: StaffRequest,
    thread: TicketThread,
    *,
    bound: MessageForm | TicketActionForm | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    ticket = thread.ticket
    allowed = allowed_actions(request.staff, ticket)
    member = request.user
    enums, staff = _enums_and_staff(request, thread)
    canned, canned_error = _canned(request, thread) if {"reply", "note"} & allowed else ([], None)
    template_text = ""
    wanted = request.GET.get("canned", "")
    for reply in canned:
        if reply.message_id == wanted:
            template_text = reply.message

    def fresh_message_form(form_class: type[MessageForm], prefix: str) -> MessageForm:
        if isinstance(bound, form_class) and bound.prefix == prefix:
            return bound
        initial = {"form_token": issue_form_token(member, form_scope(prefix, ticket.id))}
        if prefix == request.GET.get("composer", "reply") and template_text:
            initial["text"] = template_text
        return form_class(initial=initial, prefix=prefix)

    action_forms = {}
    for action, form_class in ACTION_FORMS.items():
        if action not in allowed:
            continue
        if isinstance(bound, form_class):
            action_forms[action] = bound
        else:
            action_forms[action] = form_class(
                # "Add follower" starts on me: following a ticket yourself is one click.
                initial={
                    "form_token": issue_form_token(member, form_scope(action, ticket.id)),
                    "follower": request.staff.user_id,
                },
                ticket_enums=enums,
                admin=request.staff.has_role("ADMIN"),
                staff=staff,
                ticket=ticket,
            )
    composer = request.GET.get("composer", "reply")
    if isinstance(bound, MessageForm):
        composer = bound.prefix or "reply"
    context = {
        # The next view of the page reads back this person's writes whose answer was lost.
        "unsettled_writes": settle_unknown(request.gateway_auth, member, "ticket", ticket.id),
        "thread": thread,
        "ticket": ticket,
        "customer": thread.customer,
        "assignee_name": thread.author_name(ticket.assignee_id) if ticket.assignee_id else "",
        "reply_form": fresh_message_form(MessageForm, "reply") if "reply" in allowed else None,
        "note_form": fresh_message_form(NoteForm, "note") if "note" in allowed else None,
        "composer": composer if composer in ("reply", "note") else "reply",
        "then_statuses": statuses_after_reply(request.staff, ticket, enums)
        if "reply" in allowed
        else [],
        "canned": canned_choices(canned),
        "thread_rows": thread_rows(thread),
        "ticket_files": file_links(thread.ticket_files),
        "canned_error": canned_error,
        "action_forms": action_forms,
        "upload_max_files": settings.TICKET_UPLOAD_MAX_FILES,
        "upload_max_bytes": settings.TICKET_UPLOAD_MAX_BYTES,
        "failed_action": getattr(bound, "action", "")
        if isinstance(bound, TicketActionForm)
        else "",
        **extra,
    }
    return render(request, "tickets/detail.html", context, status=status)
