"""The canned replies page: every reply title with its messages; admins create and change them.

Everyone signed in reads the page. Writes are ADMIN-only at the gateway, so the back office
refuses anybody else with 403 before sending anything. Every write carries a one-time form
token, is made once (never retried), audited, and on failure the page comes back with what
was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backoffice.form_tokens import FormScope, issue_form_token
from backoffice.gateway.errors import (
    GatewayError,
    GatewayForbidden,
    GatewayNotFound,
    GatewayRejected,
    GatewayUnauthorized,
)
from backoffice.http import StaffRequest
from backoffice.models import StaffMember
from backoffice.staff import ROLE_ADMIN
from backoffice.write_forms import answer_resubmit
from backoffice.write_pipeline import AlreadySubmitted, FormTokenRefused, StillChecking
from backoffice.write_reconciliation import settle_unknown

from . import canned_services, writes
from .canned_forms import (
    CannedForm,
    ReplyMessageEditForm,
    ReplyMessageForm,
    ReplyTitleForm,
    TitleStatusForm,
)
from .records import ReplyMessage

ADMIN_ONLY = (
    "Only an admin may change canned replies. You can still read them and use them "
    "when replying to a ticket."
)


def ensure_canned_writer(request: StaffRequest) -> None:
    if not request.staff.has_role(ROLE_ADMIN):
        raise PermissionDenied(ADMIN_ONLY)


def _member(request: StaffRequest) -> StaffMember:
    return request.user


def _token(request: StaffRequest, action: str, target_id: str = "") -> str:
    return issue_form_token(_member(request), writes.form_scope(action, target_id))


def _replies_url(anchor: str = "") -> str:
    return reverse("tickets:replies") + (f"#{anchor}" if anchor else "")


def _title_form(request: StaffRequest) -> ReplyTitleForm:
    return ReplyTitleForm(
        initial={"form_token": _token(request, "reply_title.create")},
        key="new-title",
        action_url=reverse("tickets:reply_title_create"),
    )


def _status_form(request: StaffRequest, title_id: str, status: str) -> TitleStatusForm:
    target = "INACTIVE" if status == "ACTIVE" else "ACTIVE"
    return TitleStatusForm(
        initial={
            "form_token": _token(request, "reply_title.status", title_id),
            "status": target,
            "seen_status": status,
        },
        key=f"status-{title_id}",
        action_url=reverse("tickets:reply_title_status", args=[title_id]),
    )


def _message_form(request: StaffRequest, title_id: str) -> ReplyMessageForm:
    return ReplyMessageForm(
        initial={"form_token": _token(request, "reply_message.create", title_id)},
        key=f"message-{title_id}",
        action_url=reverse("tickets:reply_message_create", args=[title_id]),
    )


def _edit_form(
    request: StaffRequest, message: ReplyMessage, data: Any = None
) -> ReplyMessageEditForm:
    return ReplyMessageEditForm(
        data,
        initial={
            "form_token": _token(request, "reply_message.update", message.id),
            "title_id": message.title_id,
            "message": message.message,
        },
        key=f"edit-{message.id}",
        action_url=reverse("tickets:reply_message_edit", args=[message.id]),
    )


def render_replies_page(
    request: StaffRequest,
    *,
    bound: CannedForm | None = None,
    editing: str = "",
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    """The page; `bound` is a form shown again with its input, `editing` a message id whose
    inline edit form is open."""
    catalog: canned_services.CannedCatalog | None = None
    catalog_error: GatewayError | None = None
    try:
        catalog = canned_services.canned_catalog(request.gateway_auth)
    except GatewayUnauthorized:
        raise
    except GatewayError as error:
        catalog_error = error
    can_edit = request.staff.has_role(ROLE_ADMIN)
    placed = False
    # The next view of the page reads back this person's canned writes whose answer was lost.
    extra.setdefault(
        "unsettled_writes",
        settle_unknown(request.gateway_auth, _member(request), "canned_reply", None),
    )

    def pick(form: CannedForm) -> CannedForm:
        nonlocal placed
        if bound is not None and bound.key == form.key:
            placed = True
            return bound
        return form

    title_choices = [(t.title.id, t.title.title) for t in catalog.titles] if catalog else []
    found_editing = False

    def message_row(message: ReplyMessage) -> dict[str, Any]:
        nonlocal found_editing
        edit_form = None
        if can_edit and message.id == editing:
            found_editing = True
            edit_form = pick(_edit_form(request, message))
            if isinstance(edit_form, ReplyMessageEditForm):
                edit_form.set_title_choices(title_choices)
        return {"message": message, "edit_form": edit_form}

    entries = []
    for item in catalog.titles if catalog else ():
        title = item.title
        rows = [message_row(message) for message in item.messages]
        message_form = pick(_message_form(request, title.id)) if can_edit else None
        entries.append(
            {
                "title": title,
                "rows": rows,
                "status_form": pick(_status_form(request, title.id, title.status))
                if can_edit
                else None,
                "message_form": message_form,
                "message_form_open": message_form is bound and bound is not None,
            }
        )
    orphans = [message_row(message) for message in catalog.orphans] if catalog else []
    if editing and catalog is not None and not found_editing and bound is None:
        raise Http404("No such canned message.")
    title_form = pick(_title_form(request)) if can_edit else None
    if isinstance(bound, ReplyMessageEditForm) and not placed:
        bound.set_title_choices(title_choices)
    context = {
        "catalog": catalog,
        "catalog_error": catalog_error,
        "entries": entries,
        "orphans": orphans,
        "can_edit": can_edit,
        "title_form": title_form,
        # A form that failed while the list could not be read again: shown on its own, so
        # nothing typed is lost.
        "unplaced_form": bound if bound is not None and not placed else None,
        "editing": editing,
        **extra,
    }
    return render(request, "tickets/replies.html", context, status=status)


@require_GET
def canned_replies(request: StaffRequest) -> HttpResponse:
    return render_replies_page(request)


def _submit(
    request: StaffRequest,
    form: CannedForm,
    scope: FormScope,
    send: Callable[[CannedForm, str], Any],
    *,
    success: str,
    anchor: Callable[[Any], str],
    editing: str = "",
) -> HttpResponse:
    """Validate, answer a resubmit from its token, send once; on any failure the page again
    with the input and the same token."""
    data: Any = form.data  # the view passed a mutable copy of request.POST

    def show_again(status: int, *, renew_token: bool = False, **extra: Any) -> HttpResponse:
        if renew_token or not data.get(form.add_prefix("form_token")):
            data[form.add_prefix("form_token")] = issue_form_token(_member(request), scope)
        return render_replies_page(request, bound=form, editing=editing, status=status, **extra)

    if not form.is_valid():
        return show_again(400)
    token = form.cleaned_data["form_token"]
    answered = answer_resubmit(request, scope, token, show_again)
    if answered is not None:
        return answered
    try:
        answer = send(form, token)
    except FormTokenRefused as refused:
        return show_again(409, renew_token=True, banner=refused.message)
    except (AlreadySubmitted, StillChecking) as second:
        return show_again(409, banner=second.message)
    except GatewayUnauthorized:
        raise
    except GatewayRejected as error:
        form.add_gateway_errors(error.field_errors)
        if not error.field_errors:
            form.add_error(None, error.message)
        return show_again(400, error=error)
    except GatewayForbidden as error:
        return show_again(403, error=error)
    except GatewayNotFound as error:
        return show_again(404, error=error)
    except GatewayError as error:
        return show_again(202 if error.outcome_unknown else 502, error=error)
    messages.success(request, success)
    return redirect(_replies_url(anchor(answer)))


def _answered_id(answer: Any, fallback: str = "") -> str:
    return str(answer.get("id") or fallback) if isinstance(answer, dict) else fallback


@require_POST
def create_title(request: StaffRequest) -> HttpResponse:
    ensure_canned_writer(request)
    form = ReplyTitleForm(
        request.POST.copy(), key="new-title", action_url=reverse("tickets:reply_title_create")
    )
    return _submit(
        request,
        form,
        writes.form_scope("reply_title.create"),
        lambda f, token: writes.create_reply_title(
            request.gateway_auth, _member(request), f.cleaned_data["title"], token
        ),
        success=writes.CANNED_ACTION_LABELS["reply_title.create"] + ".",
        anchor=lambda answer: f"title-{_answered_id(answer)}" if _answered_id(answer) else "",
    )


@require_POST
def set_title_status(request: StaffRequest, title_id: str) -> HttpResponse:
    ensure_canned_writer(request)
    form = TitleStatusForm(
        request.POST.copy(),
        key=f"status-{title_id}",
        action_url=reverse("tickets:reply_title_status", args=[title_id]),
    )

    def send(f: CannedForm, token: str) -> Any:
        return writes.set_reply_title_status(
            request.gateway_auth,
            _member(request),
            title_id,
            f.cleaned_data["status"],
            token,
            before=f.cleaned_data.get("seen_status") or "",
        )

    status = request.POST.get(form.add_prefix("status"))
    return _submit(
        request,
        form,
        writes.form_scope("reply_title.status", title_id),
        send,
        success="Reply title " + ("activated." if status == "ACTIVE" else "deactivated."),
        anchor=lambda answer: f"title-{title_id}",
    )


@require_POST
def create_message(request: StaffRequest, title_id: str) -> HttpResponse:
    ensure_canned_writer(request)
    form = ReplyMessageForm(
        request.POST.copy(),
        key=f"message-{title_id}",
        action_url=reverse("tickets:reply_message_create", args=[title_id]),
    )
    return _submit(
        request,
        form,
        writes.form_scope("reply_message.create", title_id),
        lambda f, token: writes.create_reply_message(
            request.gateway_auth, _member(request), title_id, f.cleaned_data["message"], token
        ),
        success=writes.CANNED_ACTION_LABELS["reply_message.create"] + ".",
        anchor=lambda answer: (
            f"message-{_answered_id(answer)}" if _answered_id(answer) else f"title-{title_id}"
        ),
    )


@require_http_methods(["GET", "POST"])
def edit_message(request: StaffRequest, message_id: str) -> HttpResponse:
    """The replies page with one message's edit form open (GET), and saving it (POST)."""
    ensure_canned_writer(request)
    if request.method == "GET":
        return render_replies_page(request, editing=message_id)
    form = ReplyMessageEditForm(
        request.POST.copy(),
        key=f"edit-{message_id}",
        action_url=reverse("tickets:reply_message_edit", args=[message_id]),
    )
    return _submit(
        request,
        form,
        writes.form_scope("reply_message.update", message_id),
        lambda f, token: writes.update_reply_message(
            request.gateway_auth, _member(request), message_id, f.body(), token
        ),
        success=writes.CANNED_ACTION_LABELS["reply_message.update"] + ".",
        anchor=lambda answer: f"message-{message_id}",
        editing=message_id,
    )
