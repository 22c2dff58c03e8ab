"""The ticket page and its writes: replies and notes with attachments, and ticket actions."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from backoffice.file_types import safe_media_type
from backoffice.form_tokens import issue_form_token
from backoffice.gateway.concurrent import read_concurrently
from backoffice.gateway.errors import (
    GatewayError,
    GatewayNotFound,
    GatewayRejected,
    GatewayUnauthorized,
)
from backoffice.http import StaffRequest
from backoffice.staff_directory import StaffUser, staff_directory
from backoffice.write_forms import ShowAgain, answer_resubmit, render_form_alone
from backoffice.write_pipeline import AlreadySubmitted, FormTokenRefused, Sent, StillChecking

from . import services
from .action_forms import ACTION_FORMS, TicketActionForm
from .after_message import after_message_sent
from .detail_page import render_ticket_page, writes_on
from .message_forms import MessageForm, NoteForm, sign_uploaded
from .records import Ticket
from .services import TicketEnums
from .writes import (
    ACTION_LABELS,
    TicketWrite,
    TicketWriteRefused,
    ensure_allowed,
    form_scope,
    send_message,
    send_ticket_write,
)


@require_GET
def ticket_detail(request: StaffRequest, ticket_id: str) -> HttpResponse:
    thread = services.ticket_thread(request.gateway_auth, ticket_id, with_canned=writes_on(request))
    return render_ticket_page(request, thread)


# A write that was refused, answered from its token, or failed: the form again, typed input kept.
ANSWERED_ON_THE_FORM = (
    TicketWriteRefused,
    FormTokenRefused,
    AlreadySubmitted,
    StillChecking,
    GatewayError,
)


def _read_failed(error: GatewayError) -> bool:
    """A read failure the form is kept through (not a sign-out, not an unknown ticket)."""
    return not isinstance(error, GatewayUnauthorized | GatewayNotFound)


@require_POST
def post_message(request: StaffRequest, ticket_id: str, kind: str) -> HttpResponse:
    """Send a reply or add an internal note, uploading its files first."""
    if kind not in ("reply", "note"):
        raise Http404("No such message kind.")
    form_class = MessageForm if kind == "reply" else NoteForm
    data = request.POST.copy()
    form = form_class(data, request.FILES, prefix=kind)
    scope = form_scope(kind, ticket_id)
    chosen = [f.name or "" for f in request.FILES.getlist(f"{kind}-attachments")]
    # Files the gateway already holds for this message, from this try or an earlier one.
    kept: list[dict[str, str]] = []

    def files_shown() -> dict[str, Any]:
        data[f"{kind}-uploaded"] = sign_uploaded(kept) if kept else ""
        kept_names = [f["name"] for f in kept]
        return {
            "chosen_files": [name for name in chosen if name not in kept_names],
            "kept_files": kept_names,
        }

    try:
        thread = services.ticket_thread(request.gateway_auth, ticket_id)
    except GatewayError as error:
        if not _read_failed(error):
            raise
        form.is_valid()
        kept.extend(form.cleaned_data.get("uploaded") or [])
        return render_form_alone(
            request,
            form,
            heading=f"{'Reply' if kind == 'reply' else 'Internal note'} · ticket {ticket_id}",
            back_url=reverse("tickets:detail", args=[ticket_id]),
            error=error,
            **files_shown(),
        )
    try:
        ensure_allowed(request.staff, thread.ticket, kind)
    except TicketWriteRefused as refusal:
        raise PermissionDenied(str(refusal)) from refusal

    def show_again(status: int, *, renew_token: bool = False, **extra: object) -> HttpResponse:
        if renew_token or not data.get(f"{kind}-form_token"):
            data[f"{kind}-form_token"] = issue_form_token(request.user, scope)
        return render_ticket_page(
            request, thread, bound=form, status=status, **files_shown(), **extra
        )

    if not form.is_valid():
        kept.extend(form.cleaned_data.get("uploaded") or [])
        return show_again(400)
    kept.extend(form.cleaned_data["uploaded"])
    token = form.cleaned_data["form_token"]
    answered = answer_resubmit(request, scope, token, show_again)
    if answered is not None:
        return answered
    try:
        sent = send_message(
            request.gateway_auth,
            request.user,
            request.staff,
            thread,
            kind,
            token,
            text=form.cleaned_data["text"],
            attachments=form.cleaned_data["attachments"],
            kept=kept,
        )
    except ANSWERED_ON_THE_FORM as failure:
        return _answer_failure(failure, form, show_again)
    _tell_saved(request, kind, sent)
    return after_message_sent(request, thread, form, kind)


def _answer_failure(
    failure: Exception, form: MessageForm | TicketActionForm, show_again: ShowAgain
) -> HttpResponse:
    """What a write that was not (known to be) applied answers: the form again, typed input
    and the same token kept, with a banner that says truthfully what happened."""
    if isinstance(failure, TicketWriteRefused):
        return show_again(403, banner=str(failure))
    if isinstance(failure, FormTokenRefused):
        return show_again(409, renew_token=True, banner=failure.message)
    if isinstance(failure, AlreadySubmitted | StillChecking):
        return show_again(409, banner=failure.message)
    if isinstance(failure, GatewayError) and not isinstance(failure, GatewayUnauthorized):
        # A sign-out is not answered on the form: the person must sign in again.
        if isinstance(failure, GatewayRejected):
            form.add_error(None, f"{failure.title}: {failure.message}")
            for field, problems in failure.field_errors.items():
                for problem in problems:
                    form.add_error(None, f"{field}: {problem}")
            return show_again(400, error=failure)
        return show_again(202 if failure.outcome_unknown else 502, error=failure)
    raise failure


def _tell_saved(request: StaffRequest, action: str, sent: Sent) -> None:
    if sent.checked:
        messages.success(
            request,
            f"{ACTION_LABELS[action]}. The gateway's answer was lost on the way back; "
            "reading the ticket back confirmed it was saved.",
        )
    else:
        messages.success(request, ACTION_LABELS[action] + ".")


def _unread_ticket(ticket_id: str) -> Ticket:
    """Stands in for a ticket that could not be read, so its action form can be shown again."""
    return Ticket(
        id=ticket_id,
        title="",
        description="",
        status="",
        priority="",
        category="",
        customer_id="",
        created_by="",
        assignee_id="",
        followers=(),
        escalated=False,
        start_date=None,
        created_at=None,
        updated_at=None,
        closed_at=None,
    )


def _posted_choices(data: QueryDict, action: str) -> tuple[TicketEnums, dict[str, StaffUser]]:
    """The values posted, as the only choices: an action form shown without the gateway."""

    def posted(name: str) -> tuple[str, ...]:
        value = data.get(f"{action}-{name}", "")
        return (value,) if value else ()

    people = posted("assignee") + posted("follower")
    staff = {person: StaffUser(person, person, "", ("ADMIN", "ASSIGNEE")) for person in people}
    return TicketEnums(posted("status"), posted("priority"), posted("category")), staff


@require_POST
def ticket_action(request: StaffRequest, ticket_id: str, action: str) -> HttpResponse:
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404("No such ticket action.")
    auth = request.gateway_auth
    data = request.POST.copy()
    scope = form_scope(action, ticket_id)
    admin = request.staff.has_role("ADMIN")
    try:
        thread = services.ticket_thread(auth, ticket_id)
        ticket_enums, staff = services.ticket_enums(auth), staff_directory(auth)
    except GatewayError as error:
        if not _read_failed(error):
            raise
        enums, people = _posted_choices(data, action)
        alone = form_class(
            data, ticket_enums=enums, admin=admin, staff=people, ticket=_unread_ticket(ticket_id)
        )
        return render_form_alone(
            request,
            alone,
            heading=f"{form_class.title} · ticket {ticket_id}",
            back_url=reverse("tickets:detail", args=[ticket_id]),
            error=error,
        )
    try:
        ensure_allowed(request.staff, thread.ticket, action)
    except TicketWriteRefused as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    form = form_class(
        data, ticket_enums=ticket_enums, admin=admin, staff=staff, ticket=thread.ticket
    )

    def show_again(status: int, *, renew_token: bool = False, **extra: object) -> HttpResponse:
        if renew_token or not data.get(f"{action}-form_token"):
            data[f"{action}-form_token"] = issue_form_token(request.user, scope)
        return render_ticket_page(request, thread, bound=form, status=status, **extra)

    if not form.is_valid():
        return show_again(400)
    token = form.cleaned_data["form_token"]
    answered = answer_resubmit(request, scope, token, show_again)
    if answered is not None:
        return answered
    try:
        sent = send_ticket_write(
            auth,
            request.user,
            request.staff,
            thread.ticket,
            TicketWrite(action, ticket_id, form.body()),
            token,
        )
    except ANSWERED_ON_THE_FORM as failure:
        return _answer_failure(failure, form, show_again)
    _tell_saved(request, action, sent)
    return redirect("tickets:detail", ticket_id=ticket_id)


DOWNLOAD_CSP = "sandbox; default-src 'none'"


@require_GET
def download_file(request: StaffRequest, file_id: str) -> HttpResponse:
    """Stream an attachment through the app, so the gateway token never leaves the server."""
    auth = request.gateway_auth
    outcomes = read_concurrently(
        {
            "meta": lambda: services.file_metadata(auth, file_id),
            "content": lambda: services.file_content(auth, file_id),
        }
    )
    meta, content = outcomes["meta"].unwrap(), outcomes["content"].unwrap()
    # What the gateway says the file is was said by whoever uploaded it: believe the bytes.
    media_type = safe_media_type(
        content,
        name=meta.file_name,
        declared=meta.content_type,
        allowed=settings.TICKET_UPLOAD_CONTENT_TYPES,
    )
    response = HttpResponse(content, content_type=media_type)
    fallback = "".join(
        c if (c.isascii() and c.isalnum()) or c in "._-" else "_" for c in meta.file_name
    )
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(meta.file_name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Content-Length"] = str(len(content))
    return response
