"""Signing a staff member in with their gateway credentials."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction

from . import throttle
from .gateway import paths
from .gateway.client import GatewayAuth
from .gateway.connection import gateway_client
from .gateway.errors import GatewayError, GatewayUnauthorized
from .models import StaffMember
from .staff import StaffIdentity
from .tokens import TokenGrant, request_token

logger = logging.getLogger("backoffice.auth")


class SignInRefused(Exception):
    """Wrong credentials or a locked-out username: say so without telling which."""


def sign_in(
    username: str, password: str, *, client_address: str, request_id: str
) -> tuple[TokenGrant, StaffIdentity]:
    attempt = throttle.reserve(username, client_address)
    if attempt is None:
        logger.warning("sign-in refused: too many failed attempts from this address")
        raise SignInRefused("Too many failed sign-ins. Wait a few minutes and try again.")
    try:
        grant = request_token(username, password, request_id=request_id)
    except GatewayUnauthorized as exc:
        throttle.failed(attempt)
        raise SignInRefused(
            "Wrong username or password, or this account does not belong to this tenant."
        ) from exc
    except BaseException:
        throttle.undecided(attempt)
        raise
    throttle.succeeded(attempt)
    identity = StaffIdentity(
        user_id=grant.user_id or username,
        username=username,
        display_name=_display_name(grant, username, request_id),
        roles=grant.roles,
        tenant_id=settings.GATEWAY_TENANT_ID,
    )
    return grant, identity


def _display_name(grant: TokenGrant, username: str, request_id: str) -> str:
    """The staff member's name, if the gateway tells it; the username will do otherwise."""
    if not grant.user_id:
        return username
    auth = GatewayAuth(grant.access_token, settings.GATEWAY_TENANT_ID, request_id)
    try:
        body = gateway_client().call(
            paths.STAFF_USER, auth=auth, path_params={"user_id": grant.user_id}
        )
    except GatewayError as exc:
        logger.info("no staff name from the gateway (%s); using the username", exc.kind)
        return username
    name = body.get("name") if isinstance(body, dict) else None
    return str(name) if name else username


def mirror_staff_member(identity: StaffIdentity) -> StaffMember:
    """The local record of the staff member, created on their first sign-in.

    Parallel first sign-ins race to create it; the unique gateway user id settles who does. The
    password hash is written once, at creation, and never again: a session is bound to that
    hash, so rewriting it would end the sessions signed in a moment earlier. Each statement
    writes before it reads, so SQLite waits for its lock instead of failing.
    """
    known = StaffMember.objects.filter(gateway_user_id=identity.user_id)
    latest = {"display_name": identity.display_name, "tenant_id": identity.tenant_id}
    if not known.update(**latest):
        try:
            with transaction.atomic():
                return StaffMember.objects.create(
                    gateway_user_id=identity.user_id,
                    username=f"{identity.tenant_id}:{identity.username}"[:150],
                    password=make_password(None),
                    **latest,
                )
        except IntegrityError:
            known.update(**latest)  # a parallel sign-in created it a moment ago
    return known.get()
