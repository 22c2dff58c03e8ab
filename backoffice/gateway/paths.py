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
