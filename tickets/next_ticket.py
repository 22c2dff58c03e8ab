"""The agent's next ticket: "Assigned to me" for an agent, otherwise the queue state last
viewed (remembered in the session by the queue view)."""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase

from backoffice.http import StaffRequest
from backoffice.staff import ROLE_ADMIN

from . import services
from .records import Ticket
from .services import TicketFilters

SESSION_KEY = "tickets.last_queue"
NEXT_PAGE_SIZE = 100


def remember_queue(session: SessionBase, filters: TicketFilters) -> None:
    """Kept for "Next ticket"; written only when it changes (a page view writes nothing else)."""
    state = {
        "view": filters.view,
        "status": filters.status,
        "priority": filters.priority,
        "category": filters.category,
        "customer_id": filters.customer_id,
    }
    if session.get(SESSION_KEY) != state:
        session[SESSION_KEY] = state


def queue_for_next(request: StaffRequest) -> TicketFilters:
    if not request.staff.has_role(ROLE_ADMIN) and request.staff.has_role("ASSIGNEE"):
        return TicketFilters(view="mine", page_size=NEXT_PAGE_SIZE)
    state = request.session.get(SESSION_KEY) or {}
    try:
        return TicketFilters(**state, page=1, page_size=NEXT_PAGE_SIZE)
    except TypeError:
        return TicketFilters(page_size=NEXT_PAGE_SIZE)


def next_ticket_id(request: StaffRequest, current: Ticket) -> str | None:
    """The ticket below the current one in its queue (newest update first, as the gateway
    lists), judged by the current ticket's update time before this reply moved it to the
    top; the first other ticket when none is below. One list read."""
    page = services.list_tickets(
        request.gateway_auth, queue_for_next(request), my_user_id=request.staff.user_id
    )
    others = [t for t in page.tickets if t.id != current.id]
    if not others:
        return None
    before = current.updated_at
    if before is not None:
        for ticket in others:
            if ticket.updated_at is not None and ticket.updated_at < before:
                return ticket.id
    return others[0].id
