"""Answers shared by every write form: a second submit answered from its token, and a form
whose page could not be read shown on its own with everything typed kept."""

from __future__ import annotations

from typing import Any, Protocol

from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import render

from . import write_pipeline
from .form_tokens import AlreadySubmitted, FormScope, FormTokenRefused
from .gateway.errors import GatewayError
from .http import StaffRequest
from .write_pipeline import StillChecking


def render_form_alone(
    request: StaffRequest,
    form: BaseForm,
    *,
    heading: str,
    back_url: str,
    error: GatewayError | None = None,
    status: int = 502,
    **extra: Any,
) -> HttpResponse:
    """The bound form and a banner with the request id, instead of an error page that loses
    what the person typed."""
    context = {"form": form, "heading": heading, "back_url": back_url, "error": error, **extra}
    return render(request, "write_form_alone.html", context, status=status)


class ShowAgain(Protocol):
    def __call__(self, status: int, *, renew_token: bool = False, **extra: Any) -> HttpResponse: ...


def answer_resubmit(
    request: StaffRequest, scope: FormScope, token: str, show_again: ShowAgain
) -> HttpResponse | None:
    """The form again with a truthful banner when this submit must not be sent (a token from
    another form, a form already sent or still being checked); None when it may be sent."""
    try:
        write_pipeline.answer_resubmit(request.gateway_auth, request.user, scope, token)
    except FormTokenRefused as refused:
        return show_again(409, renew_token=True, banner=refused.message)
    except (AlreadySubmitted, StillChecking) as answered:
        return show_again(409, banner=answered.message)
    return None
