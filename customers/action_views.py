"""The customer page's write actions: validate, refuse replays and stale writes, then submit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from backoffice.form_tokens import issue_form_token, redeem_form_token
from backoffice.http import StaffRequest

from . import services, writes
from .action_forms import ACTION_FORMS, changes_since_seen, seen_values
from .detail_page import render_customer_page
from .write_responses import ALREADY_SUBMITTED, send_or_show_again, tell_saved


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
    profile = services.customer_profile(request.gateway_auth, customer_id)
    customer = profile.customer
    data = request.POST.copy()
    form = form_class(data)

    def show_again(status: int, **extra: object) -> HttpResponse:
        """The page again: everything typed kept, a fresh token, what the gateway holds now."""
        data["form_token"] = issue_form_token(request.user)
        for name, value in seen_values(customer).items():
            data[name] = value
        return render_customer_page(request, profile, bound_form=form, status=status, **extra)

    if not form.is_valid():
        return show_again(400)
    if not redeem_form_token(request.user, form.cleaned_data["form_token"]):
        return show_again(409, banner=ALREADY_SUBMITTED)
    stale = changes_since_seen(form, customer)
    if stale:
        return show_again(409, stale=stale)
    write = form.to_write(customer)
    outcome = send_or_show_again(request, form, write, show_again)
    if isinstance(outcome, HttpResponse):
        return outcome
    tell_saved(request, outcome, write)
    return redirect("customers:detail", customer_id=customer_id)
