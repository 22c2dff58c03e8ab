"""The customer page's write actions: validate, answer a resubmit, refuse stale writes, submit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from backoffice.form_tokens import issue_form_token
from backoffice.gateway.errors import GatewayError, GatewayNotFound, GatewayUnauthorized
from backoffice.http import StaffRequest
from backoffice.write_forms import answer_resubmit, render_form_alone

from . import services, writes
from .action_forms import ACTION_FORMS, changes_since_seen, seen_values
from .detail_page import render_customer_page
from .models import ACTION_LABELS
from .write_responses import send_or_show_again, tell_saved


def ensure_customer_writer(request: StaffRequest) -> None:
    """The service's role rule, answered as a 403 page before any gateway read or write."""
    try:
        writes.ensure_customer_writer(request.staff)
    except writes.WriteRefused as refusal:
        raise PermissionDenied(str(refusal)) from refusal


@require_POST
def customer_action(request: StaffRequest, customer_id: str, action: str) -> HttpResponse:
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404("No such customer action.")
    ensure_customer_writer(request)
    data = request.POST.copy()
    form = form_class(data)
    scope = writes.form_scope(action, customer_id)
    try:
        profile = services.customer_profile(request.gateway_auth, customer_id)
    except (GatewayUnauthorized, GatewayNotFound):
        raise
    except GatewayError as error:
        return render_form_alone(
            request,
            form,
            heading=f"{ACTION_LABELS.get(action, action)} · customer {customer_id}",
            back_url=reverse("customers:detail", args=[customer_id]),
            error=error,
        )
    customer = profile.customer

    def show_again(status: int, *, renew_token: bool = False, **extra: object) -> HttpResponse:
        """The page again: everything typed kept, the same token (a resubmit is answered from
        what became of this one), and what the gateway holds now."""
        if renew_token or not data.get("form_token"):
            data["form_token"] = issue_form_token(request.user, scope)
        for name, value in seen_values(customer).items():
            data[name] = value
        return render_customer_page(request, profile, bound_form=form, status=status, **extra)

    if not form.is_valid():
        return show_again(400)
    token = form.cleaned_data["form_token"]
    refused = answer_resubmit(request, scope, token, show_again)
    if refused is not None:
        return refused
    stale = changes_since_seen(form, customer)
    if stale:
        return show_again(409, stale=stale)
    write = form.to_write(customer)
    outcome = send_or_show_again(
        request, form, write, show_again, form_token=token, before=customer
    )
    if isinstance(outcome, HttpResponse):
        return outcome
    tell_saved(request, outcome, write)
    return redirect("customers:detail", customer_id=customer_id)
