"""What the reply composer offers beside "Send": the statuses it may set once the reply is sent."""

from __future__ import annotations

from backoffice.staff import ROLE_ADMIN, StaffIdentity

from . import enums, services
from .records import Ticket
from .writes import allowed_actions


def statuses_after_reply(
    identity: StaffIdentity, ticket: Ticket, ticket_enums: services.TicketEnums
) -> list[tuple[str, str]]:
    """The statuses the reply composer offers to set after sending: those this person's status
    endpoint takes, other than the ticket's own."""
    if "status" not in allowed_actions(identity, ticket):
        return []
    statuses = ticket_enums.statuses
    if not identity.has_role(ROLE_ADMIN):
        statuses = tuple(s for s in statuses if s in enums.ASSIGNEE_STATUSES)
    return [(s, enums.label(enums.STATUS_LABELS, s)) for s in statuses if s != ticket.status]
