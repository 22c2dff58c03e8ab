"""A customer's tickets on the customer page, and opening a new ticket on their behalf."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from backoffice.form_tokens import issue_form_token, redeem_form_token
from backoffice.gateway.errors import GatewayError, GatewayRejected, GatewayUnauthorized
from backoffice.http import StaffRequest
from backoffice.staff_directory import staff_directory

from . import services
from .new_ticket_form import NewTicketForm
from .writes import create_ticket


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
    ticket_enums, staff = services.ticket_enums(auth), staff_directory(auth)
    if request.method == "GET":
        form = NewTicketForm(
            initial={
                "customer": request.GET.get("customer", ""),
                "form_token": issue_form_token(request.user),
            },
            ticket_enums=ticket_enums,
            staff=staff,
        )
        return render(request, "tickets/new_ticket.html", {"form": form})
    data = request.POST.copy()
    form = NewTicketForm(data, ticket_enums=ticket_enums, staff=staff)

    def show_again(status: int, **extra: object) -> HttpResponse:
        data["form_token"] = issue_form_token(request.user)
        return render(request, "tickets/new_ticket.html", {"form": form, **extra}, status=status)

    if not form.is_valid():
        return show_again(400)
    if not redeem_form_token(request.user, form.cleaned_data["form_token"]):
        return show_again(409, banner="This ticket was already submitted; nothing was sent again.")
    try:
        answer = create_ticket(
            auth,
            request.user,
            form.body(),
            summary={"customer": form.cleaned_data["customer"]},
        )
    except GatewayUnauthorized:
        raise
    except GatewayRejected as error:
        form.add_gateway_errors(error.field_errors)
        if not error.field_errors:
            form.add_error(None, error.message)
        return show_again(400, error=error)
    except GatewayError as error:
        return show_again(502, error=error)
    ticket_id = str(answer.get("id", "")) if isinstance(answer, dict) else ""
    messages.success(request, "Ticket created.")
    if ticket_id:
        return redirect("tickets:detail", ticket_id=ticket_id)
    return redirect("customers:detail", customer_id=form.cleaned_data["customer"])
