"""The customer side's labels for audit summaries, registered with the back office at start."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backoffice import audit_labels

from . import enums

NOTIFICATION_TYPES: dict[str, str] = {
    "Marketingemails": "Marketing e-mails",
    "Transactionalemails": "Transactional e-mails",
    "SMS": "SMS",
}

FIELDS: dict[str, tuple[str, Mapping[str, str] | None]] = {
    "status": ("Status", enums.CUSTOMER_STATUSES),
    "kyc": ("KYC", enums.KYC_CONFIRMATIONS),
    "pep": ("PEP", enums.PEP_CHECK_STATUSES),
    "customerType": ("Type", enums.CUSTOMER_TYPES),
    "categorization": ("Categorization", enums.CATEGORIZATIONS),
    "gender": ("Gender", enums.GENDERS),
    "changes": ("Changes", None),
    "address": ("Address", None),
    "documents": ("Documents", None),
    "customer_name": ("Customer name", None),
    "first_name": ("First name", None),
    "first_name_native": ("First name (native)", None),
    "last_name": ("Last name", None),
    "last_name_native": ("Last name (native)", None),
    "date_of_birth": ("Date of birth", None),
    "place_of_birth": ("Place of birth", None),
    "nationality": ("Nationality", None),
    "email": ("Email", None),
    "phone1_type": ("Phone 1 type", enums.PHONE_TYPES),
    "phone1_number": ("Phone 1 number", None),
    "phone2_type": ("Phone 2 type", enums.PHONE_TYPES),
    "phone2_number": ("Phone 2 number", None),
}


def notification_field(key: str, summary: Mapping[str, Any]) -> str | None:
    """An edit's `notify_<n>` is the n-th notification type of the body it sent."""
    if not key.startswith("notify_") or not key[7:].isdigit():
        return None
    body = summary.get("body")
    kinds = body.get("notifications") if isinstance(body, dict) else None
    index = int(key[7:])
    if isinstance(kinds, list) and index < len(kinds) and isinstance(kinds[index], dict):
        kind = str(kinds[index].get("notificationType") or "")
        return NOTIFICATION_TYPES.get(kind, kind) or None
    return None


def register() -> None:
    for key, (label, values) in FIELDS.items():
        audit_labels.register_field(key, label, values)
    audit_labels.register_field_namer(notification_field)
