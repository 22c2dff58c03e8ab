"""Every enumerated value of the gateway contract, in one place.

The values are spelled exactly as the gateway publishes them (``under_verificaiton`` and
``bancrupted`` included), so correcting one against the real gateway is a one-line change.
"""

CUSTOMER_STATUSES = (
    "new",
    "verified",
    "under_verificaiton",
    "blacklisted",
    "under_investigation",
    "dispute",
    "on_hold",
    "bancrupted",
)
CUSTOMER_TYPES = ("Person", "Organization")
CATEGORIZATIONS = ("category1", "category2", "category3")
GENDERS = ("Male", "Female", "Other")
DOCUMENT_PURPOSES = ("KYC", "KYB", "AML", "Other")
DOCUMENT_TYPES = (
    "ID front side",
    "ID back side",
    "Passport",
    "Proof of address",
    "Selfie",
    "Company registration",
)
DOCUMENT_STATUSES = ("underverification", "verified", "rejected", "expired")
PHONE_TYPES = ("fixed", "mobile")
TWOFA_TARGET_TYPES = ("SMS", "Email")
KYC_CONFIRMATIONS = ("confirmed", "rejected", "pending")
PEP_CHECK_STATUSES = ("notchecked", "clear", "match", "falsepositive")

STAFF_ROLES = ("ADMIN", "ASSIGNEE", "COMPLIANCE")
