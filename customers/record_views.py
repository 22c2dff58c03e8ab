"""Customer record pages: add an address or documents, edit or create a customer, the documents
filter, the SEPA id per channel and the organization page.

Views stay thin: the record forms validate and build the gateway body, `submit_write`
sends it through the write pipeline: a double submit reaches the gateway once and is answered
from what became of the first; a rejected or failed write shows the form again with everything
typed kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from backoffice.form_tokens import FormScope, issue_form_token
from backoffice.gateway import paths
from backoffice.gateway.connection import gateway_client
from backoffice.gateway.errors import (
    GatewayError,
    GatewayNotFound,
    GatewayUnauthorized,
)
from backoffice.http import StaffRequest
from backoffice.write_forms import ShowAgain, answer_resubmit
from backoffice.write_reconciliation import settle_unknown

from . import services
from .action_views import ensure_customer_writer
from .address_form import AddressForm
from .customer_create_form import CustomerCreateForm
from .customer_edit_form import (
    CustomerEditForm,
    EditableCustomer,
    edit_initial,
    editable_values,
    parse_editable_customer,
    read_snapshot,
    sign_snapshot,
    stale_edit,
)
from .detail_page import render_customer_page
from .document_forms import DocumentsForm
from .ids import GATEWAY_ID_PATTERN
from .record_forms import ADDRESS_PURPOSE_SUGGESTIONS, DocumentPurposeForm, SepaChannelForm
from .records import CustomerDetail, CustomerSummary
from .write_responses import send_or_show_again, tell_saved
from .writes import CustomerWrite, WriteOutcome, created_customer_id, form_scope


def _read_or_error(
    read: Callable[[], Any], *, not_found_page: bool = True
) -> tuple[Any, GatewayError | None]:
    """A read whose failure is shown in place (with the form, or in the fragment) instead of
    as an error page; an unknown id still gets the not-found page unless `not_found_page` is off.
    """
    try:
        return read(), None
    except GatewayUnauthorized:
        raise
    except GatewayNotFound as error:
        if not_found_page:
            raise
        return None, error
    except GatewayError as error:
        return None, error


def _simple_write_view(
    request: StaffRequest,
    customer_id: str,
    *,
    action: str,
    form_class: type[AddressForm] | type[DocumentsForm],
    template: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Add an address or documents: one detail read for the name, then one write."""
    ensure_customer_writer(request)
    auth, member = request.gateway_auth, request.user
    scope = form_scope(action, customer_id)
    context: dict[str, Any] = {"customer_id": customer_id, **(extra or {})}
    if request.method == "GET":
        customer = services.customer_detail(auth, customer_id)
        form = form_class(initial={"form_token": issue_form_token(member, scope)})
        context["unsettled_writes"] = settle_unknown(auth, member, "customer", customer_id)
        return render(request, template, {**context, "customer": customer, "form": form})

    data = request.POST.copy()
    form = form_class(data)

    def show_again(status: int, *, renew_token: bool = False, **shown: Any) -> HttpResponse:
        if renew_token or not data.get("form_token"):
            data["form_token"] = issue_form_token(member, scope)
        return render(request, template, {**context, "form": form, **shown}, status=status)

    customer, error = _read_or_error(lambda: services.customer_detail(auth, customer_id))
    if error is not None:
        return show_again(502, error=error, customer=None)
    context["customer"] = customer
    return _validate_and_send(
        request, form, show_again, scope, lambda: form.to_write(customer), before=customer
    )


def _validate_and_send(
    request: StaffRequest,
    form: AddressForm | DocumentsForm | CustomerEditForm | CustomerCreateForm,
    show_again: ShowAgain,
    scope: FormScope,
    make_write: Callable[[], CustomerWrite],
    *,
    before: CustomerDetail | None = None,
    stale: Callable[[], HttpResponse | None] = lambda: None,
) -> HttpResponse:
    """Validate, answer a resubmit from its token, check staleness, send once, redirect."""
    if not form.is_valid():
        return show_again(400)
    token = form.cleaned_data["form_token"]
    answered = answer_resubmit(request, scope, token, show_again) or stale()
    if answered is not None:
        return answered
    write = make_write()
    if write.action == "update" and not write.after:
        messages.info(request, "Nothing changed, so nothing was sent to the gateway.")
        return redirect("customers:detail", customer_id=write.customer_id)
    outcome = send_or_show_again(request, form, write, show_again, form_token=token, before=before)
    if isinstance(outcome, HttpResponse):
        return outcome
    if write.action == "create":
        return _after_create(request, outcome, write)
    tell_saved(request, outcome, write)
    return redirect("customers:detail", customer_id=write.customer_id)


@require_http_methods(["GET", "POST"])
def add_address(request: StaffRequest, customer_id: str) -> HttpResponse:
    return _simple_write_view(
        request,
        customer_id,
        action="address",
        form_class=AddressForm,
        template="customers/address_form.html",
        extra={"purpose_suggestions": ADDRESS_PURPOSE_SUGGESTIONS},
    )


@require_http_methods(["GET", "POST"])
def add_documents(request: StaffRequest, customer_id: str) -> HttpResponse:
    return _simple_write_view(
        request,
        customer_id,
        action="documents",
        form_class=DocumentsForm,
        template="customers/documents_form.html",
    )


def _editable(request: StaffRequest, customer_id: str) -> EditableCustomer:
    answer = gateway_client().call(
        paths.CUSTOMER_DETAIL, auth=request.gateway_auth, path_params={"customer_id": customer_id}
    )
    return parse_editable_customer(answer)


@require_http_methods(["GET", "POST"])
def edit_customer(request: StaffRequest, customer_id: str) -> HttpResponse:
    ensure_customer_writer(request)
    member = request.user
    scope = form_scope("update", customer_id)
    template = "customers/customer_form.html"
    context: dict[str, Any] = {"mode": "edit", "customer_id": customer_id}
    if request.method == "GET":
        editable = _editable(request, customer_id)
        current = editable_values(editable)
        form = CustomerEditForm(
            initial=edit_initial(editable, issue_form_token(member, scope)),
            notification_types=editable.notification_types,
            current=current,
        )
        context["unsettled_writes"] = settle_unknown(
            request.gateway_auth, member, "customer", customer_id
        )
        return render(request, template, {**context, "customer": editable.customer, "form": form})

    data = request.POST.copy()
    fresh, error = _read_or_error(lambda: _editable(request, customer_id))
    if fresh is None:
        snapshot = read_snapshot(data.get("seen_snapshot", "")) or {}
        form = CustomerEditForm(data, notification_types=snapshot.get("notifications") or [])
    else:
        form = CustomerEditForm(
            data,
            notification_types=fresh.notification_types,
            current=editable_values(fresh),
        )
    context["customer"] = fresh.customer if fresh is not None else None

    def show_again(status: int, *, renew_token: bool = False, **shown: Any) -> HttpResponse:
        if renew_token or not data.get("form_token"):
            data["form_token"] = issue_form_token(member, scope)
        return render(request, template, {**context, "form": form, **shown}, status=status)

    if error is not None or fresh is None:
        return show_again(502, error=error)

    def stale() -> HttpResponse | None:
        found = stale_edit(form, fresh)
        if found is None:
            return None
        # The officer has now seen the fresh values; a second submit may overwrite them.
        data["seen_updated"] = fresh.updated_iso
        data["seen_snapshot"] = sign_snapshot(fresh)
        return show_again(409, stale=found)

    return _validate_and_send(
        request,
        form,
        show_again,
        scope,
        lambda: form.to_write(fresh),
        before=fresh.customer,
        stale=stale,
    )


@require_http_methods(["GET", "POST"])
def create_customer(request: StaffRequest) -> HttpResponse:
    ensure_customer_writer(request)
    member = request.user
    scope = form_scope("create")
    template = "customers/customer_form.html"
    context: dict[str, Any] = {"mode": "create", "customer": None}
    if request.method == "GET":
        form = CustomerCreateForm(initial={"form_token": issue_form_token(member, scope)})
        return render(request, template, {**context, "form": form})

    data = request.POST.copy()
    form = CustomerCreateForm(data)

    def show_again(status: int, *, renew_token: bool = False, **shown: Any) -> HttpResponse:
        if renew_token or not data.get("form_token"):
            data["form_token"] = issue_form_token(member, scope)
        return render(request, template, {**context, "form": form, **shown}, status=status)

    return _validate_and_send(request, form, show_again, scope, form.to_write)


def _after_create(
    request: StaffRequest, outcome: WriteOutcome, write: CustomerWrite
) -> HttpResponse:
    if outcome.pending is not None:
        tell_saved(request, outcome, write)
        return redirect("customers:list")
    new_id = created_customer_id(outcome.answer)
    if not GATEWAY_ID_PATTERN.fullmatch(new_id):
        messages.warning(
            request,
            "The gateway created the customer but did not answer with an id we can open; "
            "find it in the list.",
        )
        return redirect("customers:list")
    messages.success(request, f"Customer {new_id} created.")
    return redirect("customers:detail", customer_id=new_id)


# ---- Reads ----------------------------------------------------------------------------------


@require_GET
@vary_on_headers("HX-Request", "HX-Target")
def documents(request: StaffRequest, customer_id: str) -> HttpResponse:
    """The documents section filtered by purpose: the fragment for HTMX, else the whole page."""
    auth = request.gateway_auth
    form = DocumentPurposeForm(request.GET)
    valid = form.is_valid()
    purpose = form.cleaned_data["purpose"] if valid else ""
    if request.htmx and request.htmx.target == "documents-region":
        context: dict[str, Any] = {"customer_id": customer_id, "purpose": purpose}
        if not valid:
            return render(
                request,
                "customers/_documents_filter.html",
                {**context, "purpose_error": True},
                status=400,
            )
        docs, error = _read_or_error(
            lambda: services.customer_documents(auth, customer_id, purpose), not_found_page=False
        )
        context.update(documents=docs or (), documents_error=error)
        return render(
            request,
            "customers/_documents_filter.html",
            context,
            status=502 if error is not None else 200,
        )
    profile = services.customer_profile(auth, customer_id)
    if purpose:
        docs, error = _read_or_error(
            lambda: services.customer_documents(auth, customer_id, purpose), not_found_page=False
        )
        profile = replace(profile, documents=docs or (), documents_error=error)
    return render_customer_page(
        request, profile, status=200 if valid else 400, purpose=purpose, purpose_error=not valid
    )


@require_GET
@vary_on_headers("HX-Request")
def sepa_id_for_channel(request: StaffRequest, customer_id: str) -> HttpResponse:
    """The SEPA id for one communication channel: a snippet for HTMX, else a message."""
    form = SepaChannelForm(request.GET)
    if not form.is_valid():
        text, ok, status = "Letters, digits, - and _ only.", False, 400
    else:
        channel = form.cleaned_data["channel"]
        answer, error = _read_or_error(
            lambda: gateway_client().call(
                paths.CUSTOMER_SEPA_ID_BY_CHANNEL,
                auth=request.gateway_auth,
                path_params={"customer_id": customer_id, "channel": channel},
            ),
            not_found_page=False,
        )
        sepa = str(answer.get("sepaId") or "") if isinstance(answer, dict) else ""
        if error is not None:
            text, ok, status = f"Unavailable ({error.title.lower()}).", False, 502
        else:
            text, ok, status = sepa or "—", True, 200
    if request.htmx:
        css = "mono" if ok else "field-error"
        return HttpResponse(format_html('<span class="{}">{}</span>', css, text), status=status)
    if ok:
        messages.info(request, f"SEPA id for {form.cleaned_data['channel']}: {text}")
    else:
        messages.error(request, f"SEPA id lookup: {text}")
    return redirect("customers:detail", customer_id=customer_id)


@require_GET
def organization(request: StaffRequest, organization_id: str) -> HttpResponse:
    customers, error = _read_or_error(
        lambda: services.organization_customers(request.gateway_auth, organization_id)
    )
    customers = customers or ()
    own: CustomerSummary | None = next(
        (
            c
            for c in customers
            if c.customer_type == "Organization" and c.organization_id == organization_id
        ),
        None,
    )
    context = {
        "organization_id": organization_id,
        "customers": customers,
        "organization": own,
        "error": error,
    }
    return render(request, "customers/organization.html", context, status=502 if error else 200)
