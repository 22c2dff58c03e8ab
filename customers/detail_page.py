"""Rendering the customer page, with its action forms for staff who may use them."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from backoffice.form_tokens import issue_form_token
from backoffice.http import StaffRequest
from backoffice.write_reconciliation import settle_unknown

from .action_forms import ACTION_FORMS, CustomerActionForm, seen_values
from .approval_policy import approval_policy
from .models import ChangeRequest
from .services import CustomerProfile
from .writes import form_scope


def action_forms(
    request: StaffRequest, profile: CustomerProfile, bound_form: CustomerActionForm | None
) -> dict[str, CustomerActionForm]:
    if not request.staff.can_write_customers:
        return {}
    customer = profile.customer
    seen = seen_values(customer)
    initial_values = {
        "status": {"status": customer.status},
        "kyc": {"kyc": customer.kyc.status},
        "pep": {"pep": customer.pep.status},
        "revision": {},
    }
    forms: dict[str, CustomerActionForm] = {}
    for action, form_class in ACTION_FORMS.items():
        if bound_form is not None and bound_form.action == action:
            forms[action] = bound_form
            continue
        forms[action] = form_class(
            initial={
                **initial_values[action],
                **seen,
                "form_token": issue_form_token(request.user, form_scope(action, customer.id)),
            },
            prefix=None,
        )
    return forms


def render_customer_page(
    request: StaffRequest,
    profile: CustomerProfile,
    *,
    bound_form: CustomerActionForm | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    # The next view of the page reads back this person's writes whose answer was lost.
    unsettled = settle_unknown(request.gateway_auth, request.user, "customer", profile.customer.id)
    pending = ChangeRequest.objects.filter(
        customer_id=profile.customer.id, status=ChangeRequest.Status.PENDING
    ).select_related("maker")
    context = {
        "profile": profile,
        "customer": profile.customer,
        "forms": action_forms(request, profile, bound_form),
        "failed_action": bound_form.action if bound_form is not None else "",
        "pending_changes": list(pending),
        "four_eyes_rule": approval_policy().summary(),
        "unsettled_writes": unsettled,
        **extra,
    }
    return render(request, "customers/detail.html", context, status=status)
