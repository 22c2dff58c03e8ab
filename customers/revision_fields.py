"""Which customer fields a revision may record: profile data only, checked against an allow-list.

Status, KYC and PEP have their own actions (and four-eyes); secrets must never travel in a
revision; ids and time stamps belong to the gateway. Anything not listed here is refused.
"""

from __future__ import annotations

import re

from backoffice.secret_fields import is_secret_field

_NAME_PARTS = ("name", "native", "language", "prefix", "suffix", "order", "abbreviation")
_PHONE_PARTS = ("phoneType", "operator", "encoding", "country", "number", "purpose")
_ADDRESS_PARTS = (
    "country",
    "area",
    "zipCode",
    "city",
    "street",
    "streetNumber",
    "streetNumber[]",
    "building",
    "apartment",
    "entrance",
    "floor",
    "doorNumber",
    "geoPosition.latitude",
    "geoPosition.longitude",
    "geoPosition.altitude",
)
_DOCUMENT_PARTS = ("purpose", "name", "documentType", "location")

# Field paths as the gateway spells them, list positions written `[]`.
REVISABLE_FIELDS = frozenset(
    {
        "customerName",
        "categorization",
        "notifications[].isEnabled",
        "person.fullName",
        "person.gender",
        "person.dateOfBirth",
        "person.placeOfBirth",
        "person.nationality",
        "person.email",
        "person.addresses[].addressPurpose",
        *(f"person.{name}.{part}" for name in ("firstName", "lastName") for part in _NAME_PARTS),
        *(f"person.telephoneNumbers[].{part}" for part in _PHONE_PARTS),
        *(f"person.addresses[].address.{part}" for part in _ADDRESS_PARTS),
        *(f"person.documents[].{part}" for part in _DOCUMENT_PARTS),
    }
)

# First path segment (any case) → the action that changes it instead.
_OWN_ACTIONS = {
    "customerstatus": "use Change status, which may need a second officer",
    "kycconfirmation": "use KYC confirmation, which may need a second officer",
    "pepcheckstatus": "use PEP check, which may need a second officer",
}
_GATEWAY_OWNED = frozenset({"id", "organizationid", "groupid", "created", "updated", "revisions"})
_POSITION = re.compile(r"\[\d+\]")


def refusal_for(key: str) -> str | None:
    """Why a revision may not carry `key`, or None if it may."""
    if any(is_secret_field(segment) for segment in key.split(".")):
        return "a secret; secrets are never sent in a revision"
    first = key.split(".", 1)[0].split("[", 1)[0].lower()
    if first in _OWN_ACTIONS:
        return _OWN_ACTIONS[first]
    last = key.rsplit(".", 1)[-1].split("[", 1)[0].lower()
    if first in _GATEWAY_OWNED or last in _GATEWAY_OWNED:
        return "set by the gateway, not by a revision"
    if _POSITION.sub("[]", key) not in REVISABLE_FIELDS:
        return "not a field a revision may record"
    return None
