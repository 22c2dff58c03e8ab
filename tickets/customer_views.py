"""A customer's tickets on the customer page, and opening a new ticket on their behalf."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from backoffice.form_tokens import issue_form_token
from backoffice.gateway.errors import GatewayError, GatewayRejected, GatewayUnauthorized
from backoffice.http import StaffRequest
from backoffice.staff_directory import StaffUser, staff_directory
from backoffice.write_forms import answer_resubmit, render_form_alone
from backoffice.write_pipeline import AlreadySubmitted, FormTokenRefused, StillChecking

from . import services
from .new_ticket_form import NewTicketForm
from .writes import create_ticket, form_scope


@require_GET
def customer_tickets(request: StaffRequest, customer_id: str) -> HttpResponse:
    """The lazy-loaded Tickets section of the customer page."""
    page = error = None
    try:
        page = services.customer_tickets(request.gateway_auth, customer_id)
    except GatewayUnauthorized:
        raise
    except GatewayError as failure:
        error = failure
    return render(
        request,
        "tickets/_customer_tickets.html",
        {"page": page, "error": error, "customer_id": customer_id},
        status=502 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def new_ticket(request: StaffRequest) -> HttpResponse:
    auth = request.gateway_auth
    scope = form_scope("create")
    if request.method == "GET":
        ticket_enums, staff = services.ticket_enums(auth), staff_directory(auth)
        form = NewTicketForm(
            initial={
                "customer": request.GET.get("customer", ""),
                "form_token": issue_form_token(request.user, scope),
            },
            ticket_enums=ticket_enums,
            staff=staff,
        )
        return render(request, "tickets/new_ticket.html", {"form": form})
    data = request.POST.copy()
    try:
        ticket_enums, staff = services.ticket_enums(auth), staff_directory(auth)
    except GatewayUnauthorized:
        raise
    except GatewayError as error:
        # Without the choices the form cannot be checked; show it with what was posted.
        posted = {name: data.get(name, "") for name in ("category", "priority", "assignee")}
        ticket_enums = services.TicketEnums((), (posted["priority"],), (posted["category"],))
        staff = {posted["assignee"]: StaffUser(posted["assignee"], posted["assignee"], "", ())}
        form = NewTicketForm(data, ticket_enums=ticket_enums, staff=staff)
        return render_form_alone(
            request,
            form,
            heading="New ticket",
            back_url=reverse("tickets:queue"),
            error=error,
        )
    form = NewTicketForm(data, ticket_enums=ticket_enums, staff=staff)

    def show_again(status: int, *, renew_token: bool = False, **extra: object) -> HttpResponse:
        if renew_token or not data.get("form_token"):
            data["form_token"] = issue_form_token(request.user, scope)
        return render(request, "tickets/new_ticket.html", {"form": form, **extra}, status=status)

    if not form.is_valid():
        return show_again(400)
    token = form.cleaned_data["form_token"]
    answered = answer_resubmit(request, scope, token, show_again)
    if answered is not None:
        return answered
    try:
        sent = create_ticket(
            auth,
            request.user,
            form.body(),
            token,
            summary={"customer": form.cleaned_data["customer"]},
        )
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
    except GatewayError as error:
        return show_again(202 if error.outcome_unknown else 502, error=error)
    answer = sent.answer
    ticket_id = str(answer.get("id", "")) if isinstance(answer, dict) else ""
    messages.success(
        request,
        "Ticket created."
        if not sent.checked
        else "Ticket created. The gateway's answer was lost; reading back confirmed it.",
    )
    if ticket_id:
        return redirect("tickets:detail", ticket_id=ticket_id)
    return redirect("customers:detail", customer_id=form.cleaned_data["customer"])
