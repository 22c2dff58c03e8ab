"""The top bar's count of changes waiting for a second officer."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from .models import ChangeRequest


def pending_approvals(request: HttpRequest) -> dict[str, Any]:
    """Only for people who can decide; counted when a page's top bar renders, never for a
    fragment, and once per page however often the template asks."""
    staff = getattr(request, "staff", None)
    if staff is None or not request.user.is_authenticated or not staff.can_write_customers:
        return {}

    @cache
    def awaiting_others() -> int:
        return decisions_waiting_for(request)

    return {"pending_approvals": awaiting_others}


def decisions_waiting_for(request: HttpRequest) -> int:
    """Pending changes the signed-in person can decide: their own wait for someone else."""
    return (
        ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING)
        .exclude(maker_id=request.user.pk)
        .count()
    )
