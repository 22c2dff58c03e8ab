"""The four-eyes queue's length as a Prometheus gauge, counted when /metrics is scraped."""

from __future__ import annotations

from backoffice.metrics import gauge_at_scrape

from .models import ChangeRequest


def pending_approvals() -> int:
    return ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING).count()


def register() -> None:
    gauge_at_scrape(
        "backoffice_pending_approvals",
        "Customer changes waiting for a second officer's decision.",
        pending_approvals,
    )
