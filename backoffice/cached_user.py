"""The signed-in staff member from the cache instead of a database query on every request.

Django's AuthenticationMiddleware loads the user row on every request. The back office reads
the person on every page, and changes them rarely (sign-in, preferences): the row is kept in
the cache, checked against the session's auth hash like Django does, and dropped whenever the
row is saved or deleted.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from .models import StaffMember

SECONDS = 300


def _key(user_id: object) -> str:
    return f"staff-member:{user_id}"


def cached_user(request: HttpRequest) -> Any:
    """What `django.contrib.auth.get_user` gives, without a query while the row is cached."""
    session = request.session
    user_id = session.get(auth.SESSION_KEY)
    backend_path = session.get(auth.BACKEND_SESSION_KEY)
    if user_id is None or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    member = cache.get(_key(user_id))
    if isinstance(member, StaffMember):
        session_hash = session.get(auth.HASH_SESSION_KEY) or ""
        if member.is_active and constant_time_compare(session_hash, member.get_session_auth_hash()):
            return member
    # Not cached, or a hash that only the full check can settle (fallback secrets, flush).
    user = auth.get_user(request)
    if isinstance(user, StaffMember) and str(user.pk) == str(user_id):
        cache.set(_key(user_id), user, timeout=SECONDS)
    return user


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: cached_user(request))  # type: ignore[assignment]


@receiver(post_save, sender=StaffMember)
@receiver(post_delete, sender=StaffMember)
def forget_cached_member(sender: type[StaffMember], instance: StaffMember, **kwargs: Any) -> None:
    cache.delete(_key(instance.pk))
