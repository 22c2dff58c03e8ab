"""The way back an error page offers: the list the failed page belongs to, not always the
customers (a ticket that could not be loaded offers the ticket queue)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from .staff import StaffIdentity


@dataclass(frozen=True)
class WayBack:
    url: str
    label: str


# (path prefix, URL name, label, whether only compliance officers may go there)
AREAS = (
    ("/tickets/", "tickets:queue", "Back to the ticket queue", False),
    ("/approvals/", "approvals:list", "Back to approvals", True),
    ("/audit/", "audit:list", "Back to the audit trail", True),
    ("/customers/", "customers:list", "Back to customers", False),
)


def way_back(path: str, staff: StaffIdentity | None) -> WayBack:
    for prefix, url_name, label, compliance_only in AREAS:
        if path.startswith(prefix):
            if compliance_only and not (staff and staff.can_read_compliance):
                break
            return WayBack(reverse(url_name), label)
    if staff is None:
        return WayBack(reverse("customers:list"), "Back to customers")
    return WayBack(reverse("home"), "Back to your work")
