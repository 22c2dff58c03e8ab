"""The tenant's staff, by gateway user id: names for ids, and the people to assign work to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .gateway import paths
from .gateway.cached import cached_read
from .gateway.client import GatewayAuth
from .gateway.connection import gateway_client
from .gateway.errors import GatewayBadResponse, GatewayError, GatewayUnauthorized
from .gateway.json_fields import as_list, as_text


@dataclass(frozen=True)
class StaffUser:
    id: str
    username: str
    name: str
    roles: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.name or self.username or self.id


def parse_staff_user(data: Any) -> StaffUser:
    if not isinstance(data, dict):
        raise GatewayBadResponse("The gateway sent a user that is not an object.")
    roles = data.get("roles") or ([data["role"]] if data.get("role") else [])
    return StaffUser(
        id=as_text(data.get("id") or data.get("userId")),
        username=as_text(data.get("username")),
        name=as_text(data.get("name")),
        roles=tuple(as_text(r) for r in as_list(roles)),
    )


def staff_directory(auth: GatewayAuth) -> dict[str, StaffUser]:
    """Every staff member of the tenant (cached; a missing or failing directory is remembered)."""

    def load() -> dict[str, StaffUser]:
        body = gateway_client().call(paths.STAFF_USERS, auth=auth)
        items = body.get("users") if isinstance(body, dict) else body
        users = [parse_staff_user(item) for item in (items or [])]
        return {user.id: user for user in users if user.id}

    return cached_read(f"staff-directory:{auth.tenant_id}", load, remember_failure=True)


def staff_names(auth: GatewayAuth) -> dict[str, str]:
    """Names by user id; empty when the directory is unavailable, so pages show ids instead."""
    try:
        return {user_id: user.label for user_id, user in staff_directory(auth).items()}
    except GatewayUnauthorized:
        raise
    except GatewayError:
        return {}
