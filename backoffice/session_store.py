"""Sessions read through the cache that never write back an older gateway grant than is stored.

A request that started before its session's token was refreshed still holds the old grant in
memory. If it saves the session at its end (a message, a flag), a plain save would put the old,
already redeemed refresh token back over the new one: the next refresh is refused and the person
is signed out. Every save therefore locks the session row, and when the row already holds a newer
grant (a higher generation) it keeps that one.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore
from django.db import router, transaction
from django.db.models import F
from django.utils import timezone

from .staff import SESSION_KEY, grant_generation


class SessionStore(CachedDbStore):
    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None:
            super().save(must_create)
            return
        using = router.db_for_write(self.model)
        with transaction.atomic(using=using):
            # An UPDATE first, so the row (SQLite: the database) is locked for writing before it
            # is read; a concurrent save waits here instead of reading the same old row.
            locked = (
                self.model.objects.using(using)
                .filter(session_key=self.session_key)
                .update(expire_date=F("expire_date"))
            )
            if not locked:
                raise UpdateError
            stored = self.stored_data(using=using)
            if stored is not None and grant_generation(stored) > grant_generation(self):
                self[SESSION_KEY] = stored[SESSION_KEY]
            # The cache is written inside the lock too, so it ends with the last save's data.
            super().save(must_create=False)

    def stored_data(self, *, using: str | None = None) -> dict[str, Any] | None:
        """The session as the database holds it now, past any cached copy."""
        row = (
            self.model.objects.using(using or router.db_for_read(self.model))
            .filter(session_key=self.session_key, expire_date__gt=timezone.now())
            .values_list("session_data", flat=True)
            .first()
        )
        return None if row is None else dict(self.decode(row))
