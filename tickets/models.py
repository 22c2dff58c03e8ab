# The search index's model lives beside the projection it is filled with.
from .search_index import TicketSearchEntry

__all__ = ["TicketSearchEntry"]
