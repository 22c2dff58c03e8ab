"""Four-eyes approvals: the queue of pending changes, the decision screen, the decisions."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from backoffice.gateway.errors import GatewayError, GatewayUnauthorized
from backoffice.http import StaffRequest

from . import writes
from .action_views import ensure_customer_writer
from .approval_evidence import decision_evidence
from .approval_forms import ApproveForm, RejectForm
from .models import ChangeRequest


@require_GET
def approval_list(request: StaffRequest) -> HttpResponse:
    pending = ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING).select_related(
        "maker"
    )
    decided = (
        ChangeRequest.objects.exclude(status=ChangeRequest.Status.PENDING)
        .select_related("maker", "checker")
        .order_by("-decided_at")[:20]
    )
    return render(
        request,
        "customers/approvals.html",
        {"pending": pending, "decided": decided, "me": request.user},
    )


@require_GET
def decision(request: StaffRequest, change_id: int) -> HttpResponse:
    return _decision_page(request, _change(change_id))


def _change(change_id: int) -> ChangeRequest:
    return get_object_or_404(ChangeRequest.objects.select_related("maker", "checker"), pk=change_id)


def _decision_page(
    request: StaffRequest,
    change: ChangeRequest,
    *,
    approve_form: ApproveForm | None = None,
    reject_form: RejectForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    """The change beside the customer as the gateway holds it now, and the decision forms."""
    evidence = decision_evidence(request.gateway_auth, change)
    is_maker = change.maker_id == request.user.pk
    context = {
        "change": change,
        "evidence": evidence,
        "customer": evidence.customer,
        "is_maker": is_maker,
        "may_decide": change.is_pending and not is_maker and request.staff.can_write_customers,
        "approve_form": approve_form or ApproveForm(),
        "reject_form": reject_form or RejectForm(),
        "refusal": refusal,
    }
    return render(request, "customers/approval_decision.html", context, status=status)


@require_POST
def decide(request: StaffRequest, change_id: int, decision: str) -> HttpResponse:
    change = _change(change_id)
    try:
        if decision == "approve":
            return _approve(request, change)
        if decision == "reject":
            return _reject(request, change)
        if decision == "withdraw":
            writes.withdraw(request.gateway_auth, request.user, change.pk)
            messages.success(request, "Withdrawn: nothing was sent.")
            return redirect("approvals:list")
    except writes.WriteRefused as refusal:
        return render(request, "403.html", {"reason": str(refusal)}, status=403)
    raise Http404("No such decision.")


def _approve(request: StaffRequest, change: ChangeRequest) -> HttpResponse:
    ensure_customer_writer(request)
    writes.ensure_may_decide(change, request.user, request.staff)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _decision_page(request, change, approve_form=form, status=400)
    try:
        writes.approve(request.gateway_auth, request.user, request.staff, change.pk)
    except writes.StaleApproval as stale:
        return _decision_page(request, stale.change, refusal=str(stale), status=409)
    except GatewayUnauthorized:
        raise
    except GatewayError as error:
        change.refresh_from_db()
        if change.is_pending:
            # The read that checks the request failed; nothing was claimed or sent.
            messages.error(
                request,
                f"Could not read the customer to check the request: {error.title}. "
                f"Nothing was sent; the request still waits (request id {error.request_id}).",
            )
            return redirect("approvals:decision", change_id=change.pk)
        if error.outcome_unknown:
            messages.warning(
                request,
                f"Approved and sent, but the gateway's answer was lost: {error.message} "
                f"Nothing will be sent twice (request id {error.request_id}).",
            )
            return redirect("approvals:list")
        messages.error(
            request,
            f"Approved, but the gateway refused the change: {error.title}. {error.message} "
            f"(request id {error.request_id}). It is marked as failed; request it again if needed.",
        )
        return redirect("approvals:list")
    messages.success(
        request, f"Approved: {change.action_label} for {change.customer_name} applied."
    )
    return redirect("approvals:list")


def _reject(request: StaffRequest, change: ChangeRequest) -> HttpResponse:
    ensure_customer_writer(request)
    writes.ensure_may_decide(change, request.user, request.staff)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _decision_page(request, change, reject_form=form, status=400)
    writes.reject(
        request.gateway_auth, request.user, request.staff, change.pk, form.cleaned_data["note"]
    )
    messages.success(request, f"Rejected: nothing was sent for {change.customer_name}.")
    return redirect("approvals:list")
