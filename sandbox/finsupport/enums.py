"""Finsupport's enumerated values and limits, in one place (the gateway's ``GET /enums/…``)."""

TICKET_STATUSES = ("OPEN", "IN_PROGRESS", "ON_HOLD", "ESCALATED", "RESOLVED", "COMPLETED", "CLOSED")
PRIORITIES = ("LOW", "MEDIUM", "HIGH", "URGENT")
CATEGORIES = ("ACCOUNT", "PAYMENTS", "CARDS", "KYC", "TECHNICAL", "OTHER")
ROLES = ("ADMIN", "ASSIGNEE", "CUSTOMER")
REPLY_TITLE_STATUSES = ("ACTIVE", "INACTIVE")

# What an assignee may set through ``/assignee-status``; escalation, completion and closing
# have their own endpoints.
ASSIGNEE_STATUSES = ("OPEN", "IN_PROGRESS", "ON_HOLD", "RESOLVED")
# Staff roles that can hold a ticket (``assigneeId``).
ASSIGNABLE_ROLES = ("ADMIN", "ASSIGNEE")

REPORT_SORT_FIELDS = ("createdAt", "updatedAt", "priority", "status", "title")
REPORT_SORT_ORDERS = ("ASC", "DESC")

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_UPLOAD = 5
MAX_TEXT_LENGTH = 10_000
MAX_TITLE_LENGTH = 200
