"""The signed-in staff member as the back office sees them, kept in the server-side session."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from .gateway.client import GatewayAuth
from .tokens import TokenGrant

SESSION_KEY = "gateway_grant"

ROLE_ADMIN = "ADMIN"
ROLE_COMPLIANCE = "COMPLIANCE"
ROLE_ASSIGNEE = "ASSIGNEE"
ROLE_LABELS = {ROLE_ADMIN: "Admin", ROLE_COMPLIANCE: "Compliance", ROLE_ASSIGNEE: "Support agent"}


@dataclass(frozen=True)
class StaffIdentity:
    user_id: str
    username: str
    display_name: str
    roles: tuple[str, ...]
    tenant_id: str

    @property
    def role_label(self) -> str:
        return ", ".join(ROLE_LABELS.get(role, role.title()) for role in self.roles) or "No role"

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def can_write_customers(self) -> bool:
        return self.has_role(ROLE_ADMIN, ROLE_COMPLIANCE)

    @property
    def can_read_compliance(self) -> bool:
        """The audit trail and the approvals queue: not for support agents."""
        return self.has_role(ROLE_ADMIN, ROLE_COMPLIANCE)


def store_grant(session: SessionBase, grant: TokenGrant, identity: StaffIdentity) -> None:
    session[SESSION_KEY] = {
        "access_token": grant.access_token,
        "refresh_token": grant.refresh_token,
        "expires_at": grant.expires_at,
        "user_id": grant.user_id,
        "roles": list(grant.roles),
        "username": identity.username,
        "display_name": identity.display_name,
        "tenant_id": identity.tenant_id,
        "generation": 1,
    }


def replace_grant(session: SessionBase, grant: TokenGrant) -> None:
    stored = dict(session[SESSION_KEY])
    stored.update(
        access_token=grant.access_token,
        refresh_token=grant.refresh_token,
        expires_at=grant.expires_at,
        roles=list(grant.roles),
        generation=grant_generation(session) + 1,
    )
    session[SESSION_KEY] = stored


def grant_generation(session_data: Mapping[str, Any] | SessionBase) -> int:
    """How many grants the session has held: a later grant always has a higher number."""
    stored = session_data.get(SESSION_KEY) or {}
    return int(stored.get("generation", 0))


def load_grant(
    session: SessionBase | Mapping[str, Any],
) -> tuple[TokenGrant, StaffIdentity] | None:
    stored: dict[str, Any] | None = session.get(SESSION_KEY)
    if not stored:
        return None
    roles = tuple(stored.get("roles") or ())
    grant = TokenGrant(
        access_token=stored["access_token"],
        refresh_token=stored.get("refresh_token", ""),
        expires_at=float(stored["expires_at"]),
        user_id=stored["user_id"],
        roles=roles,
    )
    identity = StaffIdentity(
        user_id=stored["user_id"],
        username=stored.get("username", ""),
        display_name=stored.get("display_name", ""),
        roles=roles,
        tenant_id=stored.get("tenant_id", ""),
    )
    return grant, identity


def gateway_auth(grant: TokenGrant, identity: StaffIdentity, request_id: str) -> GatewayAuth:
    return GatewayAuth(
        access_token=grant.access_token, tenant_id=identity.tenant_id, request_id=request_id
    )
