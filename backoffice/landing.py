"""Where each person lands after signing in (and on `/`): where their work is.

A support agent (ASSIGNEE only) lands on the tickets assigned to them; a compliance officer or
admin on the approvals queue when changes await their decision, otherwise on the customers.
The customers app tells how many decisions await a person (`count_waiting_decisions_with`),
so this module needs nothing from it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.urls import reverse

from .staff import ROLE_ASSIGNEE, StaffIdentity

# How many decisions wait for the request's signed-in person.
WaitingDecisions = Callable[[HttpRequest], int]
_waiting_decision_counters: list[WaitingDecisions] = []


def count_waiting_decisions_with(counter: WaitingDecisions) -> None:
    """Register how many decisions wait for the signed-in person (called once at start)."""
    if counter not in _waiting_decision_counters:
        _waiting_decision_counters.append(counter)


def landing_path(staff: StaffIdentity | None, waiting_decisions: Callable[[], int]) -> str:
    if staff is not None and staff.can_read_compliance:
        if waiting_decisions() > 0:
            return reverse("approvals:list")
        return reverse("customers:list")
    if staff is not None and staff.has_role(ROLE_ASSIGNEE):
        return reverse("tickets:queue") + "?view=mine"
    return reverse("customers:list")


def landing_path_for(request: HttpRequest, staff: StaffIdentity | None) -> str:
    def waiting() -> int:
        return sum(counter(request) for counter in _waiting_decision_counters)

    return landing_path(staff, waiting)
