"""Every gateway path the back office calls, in one table.

Pointing the back office at a gateway that names a path differently is a one-line change here.
`read` marks calls that change nothing at the gateway (the list POSTs included): only those are
retried after a transient failure.
"""

from typing import NamedTuple


class Endpoint(NamedTuple):
    method: str
    template: str
    read: bool

    def path(self, **params: str) -> str:
        from urllib.parse import quote

        return self.template.format(
            **{key: quote(str(value), safe="") for key, value in params.items()}
        )


CUSTOMER = "/customer/2.0.0"
FINSUPPORT = "/finsupport/1.0.0"

# Token service
TOKEN = Endpoint("POST", "/api/v2/auth/token", read=False)
STAFF_USER = Endpoint("GET", "/api/v2/users/{user_id}", read=True)  # sandbox-inferred
STAFF_USERS = Endpoint("GET", "/api/v2/users", read=True)  # sandbox-inferred

# Customer service: reads
CUSTOMERS_BY_STATUS = Endpoint("POST", CUSTOMER + "/getByCustomerStatus/{status}", read=True)
CUSTOMERS_BY_TYPE = Endpoint("POST", CUSTOMER + "/getByCustomerType/{customer_type}", read=True)
CUSTOMERS_BY_ORGANIZATION = Endpoint(
    "POST", CUSTOMER + "/getByOrganization/{organization_id}", read=True
)
ORGANIZATION_CUSTOMERS = Endpoint(
    "GET", CUSTOMER + "/organization/getCustomers/{organization_id}", read=True
)
CUSTOMERS_OF_TENANT = Endpoint("POST", CUSTOMER + "/getAllByTenantId", read=True)
CUSTOMER_DETAIL = Endpoint("GET", CUSTOMER + "/{customer_id}", read=True)
CUSTOMER_DOCUMENTS = Endpoint("GET", CUSTOMER + "/{customer_id}/documents", read=True)
CUSTOMER_DOCUMENTS_BY_PURPOSE = Endpoint(
    "GET", CUSTOMER + "/{customer_id}/documents/{purpose}", read=True
)
CUSTOMER_SEPA_ID = Endpoint("GET", CUSTOMER + "/{customer_id}/sepaId", read=True)
CUSTOMER_SEPA_ID_BY_CHANNEL = Endpoint(
    "GET", CUSTOMER + "/{customer_id}/sepaId/{channel}", read=True
)

# Customer service: writes
CUSTOMER_STATUS_UPDATE = Endpoint(
    "POST", CUSTOMER + "/update/{customer_id}/status/{status}", read=False
)
CUSTOMER_KYC_CONFIRMATION = Endpoint(
    "POST", CUSTOMER + "/{customer_id}/kycConfirmation", read=False
)
CUSTOMER_PEP_CHECK = Endpoint("POST", CUSTOMER + "/{customer_id}/pepCheckStatus", read=False)
CUSTOMER_REVISIONS = Endpoint("POST", CUSTOMER + "/{customer_id}/revisions", read=False)
CUSTOMER_CREATE = Endpoint("POST", CUSTOMER + "/create", read=False)
CUSTOMER_CREATE_LIST = Endpoint("POST", CUSTOMER + "/createList", read=False)
CUSTOMER_UPDATE = Endpoint("PUT", CUSTOMER + "/update/{customer_id}", read=False)
CUSTOMER_ADDRESS_CREATE = Endpoint("POST", CUSTOMER + "/{customer_id}/address", read=False)
CUSTOMER_DOCUMENTS_CREATE = Endpoint("POST", CUSTOMER + "/{customer_id}/documents", read=False)

# Finsupport (tickets): reads
TICKETS = Endpoint("GET", FINSUPPORT + "/tickets", read=True)
TICKETS_OF_CUSTOMER = Endpoint("GET", FINSUPPORT + "/tickets/customer/{customer_id}", read=True)
TICKETS_OF_ASSIGNEE = Endpoint("GET", FINSUPPORT + "/tickets/assignee/{assignee_id}", read=True)
TICKETS_OF_FOLLOWER = Endpoint("GET", FINSUPPORT + "/tickets/follower/{follower_id}", read=True)
TICKET = Endpoint("GET", FINSUPPORT + "/ticket/{ticket_id}", read=True)
TICKET_ASSIGNEE = Endpoint("GET", FINSUPPORT + "/ticket/{ticket_id}/assignee", read=True)
TICKET_FOLLOWERS = Endpoint("GET", FINSUPPORT + "/ticket/{ticket_id}/followers", read=True)
TICKET_REPLIES = Endpoint("GET", FINSUPPORT + "/ticket/{ticket_id}/replies", read=True)
TICKET_NOTES = Endpoint("GET", FINSUPPORT + "/ticket/{ticket_id}/notes", read=True)
REPLY = Endpoint("GET", FINSUPPORT + "/reply/{reply_id}", read=True)
NOTE = Endpoint("GET", FINSUPPORT + "/note/{note_id}", read=True)
FILE = Endpoint("GET", FINSUPPORT + "/files/{file_id}", read=True)
FILE_CONTENT = Endpoint("GET", FINSUPPORT + "/files/{file_id}/content", read=True)
FILES_OF_TICKET = Endpoint("GET", FINSUPPORT + "/files/ticket/{ticket_id}", read=True)
FILES_OF_REPLY = Endpoint("GET", FINSUPPORT + "/files/reply/{reply_id}", read=True)
FILES_OF_NOTE = Endpoint("GET", FINSUPPORT + "/files/note/{note_id}", read=True)
TICKET_STATUS_ENUM = Endpoint("GET", FINSUPPORT + "/enums/ticket-status", read=True)
TICKET_PRIORITY_ENUM = Endpoint("GET", FINSUPPORT + "/enums/priority", read=True)
TICKET_CATEGORY_ENUM = Endpoint("GET", FINSUPPORT + "/enums/category", read=True)
TICKET_ROLE_ENUM = Endpoint("GET", FINSUPPORT + "/enums/role", read=True)
TICKET_REPORT_SUMMARY = Endpoint("GET", FINSUPPORT + "/report", read=True)
TICKET_REPORT = Endpoint("POST", FINSUPPORT + "/report", read=True)
TICKET_REPORT_SORT_FIELDS = Endpoint("GET", FINSUPPORT + "/report/sort-fields", read=True)
TICKET_REPORT_SORT_ORDERS = Endpoint("GET", FINSUPPORT + "/report/sort-order", read=True)
REPLY_TITLES = Endpoint("GET", FINSUPPORT + "/reply-titles", read=True)
REPLY_TITLE = Endpoint("GET", FINSUPPORT + "/reply-titles/{title_id}", read=True)
REPLY_MESSAGES = Endpoint("GET", FINSUPPORT + "/reply-messages", read=True)
REPLY_MESSAGE = Endpoint("GET", FINSUPPORT + "/reply-messages/{message_id}", read=True)

# Finsupport (tickets): writes
TICKET_CREATE = Endpoint("POST", FINSUPPORT + "/ticket", read=False)
TICKET_CREATE_FOR_CUSTOMER = Endpoint("POST", FINSUPPORT + "/ticket/new", read=False)
TICKET_UPDATE = Endpoint("PUT", FINSUPPORT + "/ticket/{ticket_id}", read=False)
TICKET_ESCALATE = Endpoint("PUT", FINSUPPORT + "/ticket/{ticket_id}/escalate", read=False)
TICKET_ADMIN_STATUS = Endpoint("PUT", FINSUPPORT + "/ticket/{ticket_id}/admin-status", read=False)
TICKET_ASSIGNEE_STATUS = Endpoint(
    "PUT", FINSUPPORT + "/ticket/{ticket_id}/assignee-status", read=False
)
TICKET_ADMIN_CLOSE = Endpoint("PUT", FINSUPPORT + "/ticket/{ticket_id}/admin-close", read=False)
TICKET_START_DATE = Endpoint("PUT", FINSUPPORT + "/ticket/{ticket_id}/start-date", read=False)
TICKET_ADMIN_COMPLETE = Endpoint(
    "PUT", FINSUPPORT + "/ticket/{ticket_id}/admin-complete", read=False
)
TICKET_ASSIGN = Endpoint("POST", FINSUPPORT + "/ticket/{ticket_id}/assignee", read=False)
TICKET_FOLLOW = Endpoint("POST", FINSUPPORT + "/ticket/{ticket_id}/follower", read=False)
TICKET_ADMIN_REPLY = Endpoint("POST", FINSUPPORT + "/ticket/{ticket_id}/admin-reply", read=False)
TICKET_ASSIGNEE_REPLY = Endpoint(
    "POST", FINSUPPORT + "/ticket/{ticket_id}/assignee-reply", read=False
)
TICKET_ADMIN_NOTE = Endpoint("POST", FINSUPPORT + "/ticket/{ticket_id}/admin-note", read=False)
TICKET_ASSIGNEE_NOTE = Endpoint(
    "POST", FINSUPPORT + "/ticket/{ticket_id}/assignee-note", read=False
)
FILE_UPLOAD = Endpoint("POST", FINSUPPORT + "/files/upload", read=False)
FILES_UPLOAD = Endpoint("POST", FINSUPPORT + "/files/upload-multiple", read=False)
REPLY_TITLE_CREATE = Endpoint("POST", FINSUPPORT + "/reply-titles", read=False)
REPLY_TITLE_STATUS = Endpoint("PUT", FINSUPPORT + "/reply-titles/{title_id}/status", read=False)
REPLY_MESSAGE_CREATE = Endpoint("POST", FINSUPPORT + "/reply-messages", read=False)
REPLY_MESSAGE_UPDATE = Endpoint("PUT", FINSUPPORT + "/reply-messages/{message_id}", read=False)
