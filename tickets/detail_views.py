"""The ticket page and its writes: replies and notes with attachments, and ticket actions."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from backoffice.file_types import safe_media_type
from backoffice.form_tokens import issue_form_token, redeem_form_token
from backoffice.gateway.concurrent import read_concurrently
from backoffice.gateway.errors import GatewayError, GatewayRejected, GatewayUnauthorized
from backoffice.http import StaffRequest
from backoffice.staff_directory import staff_directory

from . import services
from .action_forms import ACTION_FORMS
from .detail_page import render_ticket_page
from .message_forms import MessageForm, NoteForm, sign_uploaded
from .writes import (
    ACTION_LABELS,
    TicketWrite,
    TicketWriteRefused,
    ensure_allowed,
    send_ticket_write,
    upload_files,
)


@require_GET
def ticket_detail(request: StaffRequest, ticket_id: str) -> HttpResponse:
    thread = services.ticket_thread(request.gateway_auth, ticket_id)
    return render_ticket_page(request, thread)


@require_POST
def post_message(request: StaffRequest, ticket_id: str, kind: str) -> HttpResponse:
    """Send a reply or add an internal note, uploading its files first."""
    if kind not in ("reply", "note"):
        raise Http404("No such message kind.")
    thread = services.ticket_thread(request.gateway_auth, ticket_id)
    try:
        ensure_allowed(request.staff, thread.ticket, kind)
    except TicketWriteRefused as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    form_class = MessageForm if kind == "reply" else NoteForm
    data = request.POST.copy()
    form = form_class(data, request.FILES, prefix=kind)
    chosen = [f.name for f in request.FILES.getlist(f"{kind}-attachments")]
    # Files the gateway already holds for this message, from this try or an earlier one.
    kept: list[dict[str, str]] = []

    def show_again(status: int, **extra: object) -> HttpResponse:
        data[f"{kind}-form_token"] = issue_form_token(request.user)
        data[f"{kind}-uploaded"] = sign_uploaded(kept) if kept else ""
        kept_names = [f["name"] for f in kept]
        to_select_again = [name for name in chosen if name not in kept_names]
        return render_ticket_page(
            request,
            thread,
            bound=form,
            status=status,
            chosen_files=to_select_again,
            kept_files=kept_names,
            **extra,
        )

    if not form.is_valid():
        kept.extend(form.cleaned_data.get("uploaded") or [])
        return show_again(400)
    kept.extend(form.cleaned_data["uploaded"])
    if not redeem_form_token(request.user, form.cleaned_data["form_token"]):
        return show_again(409, banner="This message was already sent; nothing was sent again.")
    member = request.user
    try:
        if form.cleaned_data["attachments"]:
            new_files = upload_files(
                request.gateway_auth,
                member,
                ticket_id,
                form.cleaned_data["attachments"],
            )
            kept.extend({"id": f.id, "name": f.file_name} for f in new_files)
        text_field = "message" if kind == "reply" else "note"
        send_ticket_write(
            request.gateway_auth,
            member,
            request.staff,
            thread.ticket,
            TicketWrite(
                kind,
                ticket_id,
                {text_field: form.cleaned_data["text"], "fileIds": [f["id"] for f in kept]},
                {"files": [f["name"] for f in kept]},
            ),
        )
    except TicketWriteRefused as refusal:
        return show_again(403, banner=str(refusal))
    except GatewayUnauthorized:
        raise
    except GatewayRejected as error:
        form.add_error(None, f"{error.title}: {error.message}")
        return show_again(400, error=error)
    except GatewayError as error:
        return show_again(502, error=error)
    messages.success(request, ACTION_LABELS[kind] + ".")
    return redirect("tickets:detail", ticket_id=ticket_id)


@require_POST
def ticket_action(request: StaffRequest, ticket_id: str, action: str) -> HttpResponse:
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404("No such ticket action.")
    thread = services.ticket_thread(request.gateway_auth, ticket_id)
    try:
        ensure_allowed(request.staff, thread.ticket, action)
    except TicketWriteRefused as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    data = request.POST.copy()
    form = form_class(
        data,
        ticket_enums=services.ticket_enums(request.gateway_auth),
        admin=request.staff.has_role("ADMIN"),
        staff=staff_directory(request.gateway_auth),
        ticket=thread.ticket,
    )

    def show_again(status: int, **extra: object) -> HttpResponse:
        data[f"{action}-form_token"] = issue_form_token(request.user)
        return render_ticket_page(request, thread, bound=form, status=status, **extra)

    if not form.is_valid():
        return show_again(400)
    if not redeem_form_token(request.user, form.cleaned_data["form_token"]):
        return show_again(409, banner="This form was already submitted; nothing was sent again.")
    try:
        send_ticket_write(
            request.gateway_auth,
            request.user,
            request.staff,
            thread.ticket,
            TicketWrite(action, ticket_id, form.body()),
        )
    except TicketWriteRefused as refusal:
        return show_again(403, banner=str(refusal))
    except GatewayUnauthorized:
        raise
    except GatewayRejected as error:
        form.add_error(None, f"{error.title}: {error.message}")
        for field, problems in error.field_errors.items():
            for problem in problems:
                form.add_error(None, f"{field}: {problem}")
        return show_again(400, error=error)
    except GatewayError as error:
        return show_again(502, error=error)
    messages.success(request, ACTION_LABELS[action] + ".")
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
