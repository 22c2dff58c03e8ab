"""One-time form tokens: the second arrival of the same form is refused before any gateway call.

Tokens are signed, so issuing one costs nothing; only redeeming one writes a row, and the
unique constraint on that row makes two racing submits of the same form resolve to one winner.
"""

from __future__ import annotations

import secrets

from django.core import signing
from django.db import IntegrityError, transaction

from .models import FormToken, StaffMember

SALT = "backoffice.form-token"
MAX_AGE_SECONDS = 12 * 3600


def issue_form_token(staff: StaffMember) -> str:
    return signing.dumps({"nonce": secrets.token_urlsafe(16), "staff": staff.pk}, salt=SALT)


def redeem_form_token(staff: StaffMember, token: str) -> bool:
    """True exactly once per issued token, and only for the staff member it was issued to."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return False
    if not isinstance(payload, dict) or payload.get("staff") != staff.pk:
        return False
    try:
        with transaction.atomic():
            FormToken.objects.create(token=str(payload.get("nonce")), staff=staff)
    except IntegrityError:
        return False
    return True
