"""Four-eyes approvals: the queue of pending customer changes, and the decisions on them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from backoffice.gateway.errors import GatewayError, GatewayUnauthorized
from backoffice.http import StaffRequest

from . import writes
from .action_views import ensure_customer_writer
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


@require_POST
def decide(request: StaffRequest, change_id: int, decision: str) -> HttpResponse:
    change = get_object_or_404(ChangeRequest, pk=change_id)
    member = request.user
    try:
        if decision == "approve":
            ensure_customer_writer(request)
            writes.approve(request.gateway_auth, member, request.staff, change.pk)
            messages.success(
                request, f"Approved: {change.action_label} for {change.customer_name} applied."
            )
        elif decision == "reject":
            ensure_customer_writer(request)
            note = request.POST.get("note", "").strip()[:1000]
            writes.reject(request.gateway_auth, member, request.staff, change.pk, note)
            messages.success(request, f"Rejected: nothing was sent for {change.customer_name}.")
        elif decision == "withdraw":
            writes.withdraw(request.gateway_auth, member, change.pk)
            messages.success(request, "Withdrawn: nothing was sent.")
        else:
            return HttpResponse(status=404)
    except writes.WriteRefused as refusal:
        return render(request, "403.html", {"reason": str(refusal)}, status=403)
    except GatewayUnauthorized:
        raise
    except GatewayError as error:
        messages.error(
            request,
            f"Approved, but the gateway refused the change: {error.title}. {error.message} "
            f"(request id {error.request_id}). It is marked as failed; request it again if needed.",
        )
    return redirect("approvals:list")
