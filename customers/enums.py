"""Customer enums exactly as the gateway spells them, with the labels staff read.

Values the gateway sends that are not listed here are still shown, with their raw spelling.
"""

from __future__ import annotations

CUSTOMER_STATUSES: dict[str, str] = {
    "new": "New",
    "under_verificaiton": "Under verification",
    "verified": "Verified",
    "under_investigation": "Under investigation",
    "on_hold": "On hold",
    "dispute": "Dispute",
    "blacklisted": "Blacklisted",
    "bancrupted": "Bankrupt",
}

# Badge tone per status, one each so a glance tells any two apart (the ui-guide's palette);
# the label always carries the meaning too. Unknown values get "neutral".
STATUS_TONES: dict[str, str] = {
    "new": "info",
    "under_verificaiton": "teal",
    "verified": "success",
    "under_investigation": "orange",
    "on_hold": "warning",
    "dispute": "purple",
    "blacklisted": "danger",
    "bancrupted": "dark",
}

CUSTOMER_TYPES: dict[str, str] = {"Person": "Person", "Organization": "Organization"}
CATEGORIZATIONS: dict[str, str] = {
    "category1": "Category 1",
    "category2": "Category 2",
    "category3": "Category 3",
}
GENDERS: dict[str, str] = {"Male": "Male", "Female": "Female", "Other": "Other"}
DOCUMENT_PURPOSES: dict[str, str] = {"KYC": "KYC", "KYB": "KYB", "AML": "AML", "Other": "Other"}
DOCUMENT_TYPES: dict[str, str] = {
    name: name
    for name in (
        "ID front side",
        "ID back side",
        "Passport",
        "Proof of address",
        "Selfie",
        "Company registration",
    )
}
DOCUMENT_STATUSES: dict[str, str] = {
    "underverification": "Under verification",
    "verified": "Verified",
    "rejected": "Rejected",
    "expired": "Expired",
}
DOCUMENT_STATUS_TONES: dict[str, str] = {
    "underverification": "info",
    "verified": "success",
    "rejected": "danger",
    "expired": "warning",
}
PHONE_TYPES: dict[str, str] = {"fixed": "Fixed", "mobile": "Mobile"}
KYC_CONFIRMATIONS: dict[str, str] = {
    "pending": "Pending",
    "confirmed": "Confirmed",
    "rejected": "Rejected",
}
KYC_TONES: dict[str, str] = {"pending": "info", "confirmed": "success", "rejected": "danger"}
PEP_CHECK_STATUSES: dict[str, str] = {
    "notchecked": "Not checked",
    "clear": "Clear",
    "match": "Match",
    "falsepositive": "False positive",
}
PEP_TONES: dict[str, str] = {
    "notchecked": "neutral",
    "clear": "success",
    "match": "danger",
    "falsepositive": "warning",
}


def label(labels: dict[str, str], value: str | None) -> str:
    if not value:
        return "—"
    return labels.get(value, value)
