"""Gateway bearer tokens: asking for them, refreshing them, and reading either answer shape."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from .gateway import paths
from .gateway.connection import gateway_client
from .gateway.errors import GatewayBadResponse, GatewayError
from .metrics import TOKEN_REFRESHES


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    refresh_token: str
    expires_at: float
    user_id: str
    roles: tuple[str, ...]

    def seconds_left(self, now: float | None = None) -> float:
        return self.expires_at - (time.time() if now is None else now)


def parse_token_grant(body: Any, *, now: float | None = None, request_id: str = "") -> TokenGrant:
    """Read the OAuth-style answer or the wrapped `{"code", "data": {...}}` one."""
    now = time.time() if now is None else now
    if isinstance(body, dict) and isinstance(body.get("data"), dict):
        data = body["data"]
        access = data.get("userSessionToken") or data.get("access_token")
        expires_in = data.get("expiresIn", data.get("expires_in"))
        refresh = data.get("refreshToken") or data.get("refresh_token") or ""
        user_id = data.get("userId")
        roles = data.get("roles") or []
    elif isinstance(body, dict):
        access = body.get("access_token")
        expires_in = body.get("expires_in")
        refresh = body.get("refresh_token") or ""
        user_id = body.get("userId")
        roles = body.get("roles") or []
    else:
        access = None
    if not access or not isinstance(access, str):
        raise GatewayBadResponse("The token answer carried no access token.", request_id=request_id)
    try:
        lifetime = float(expires_in) if expires_in is not None else 3600.0
    except (TypeError, ValueError) as exc:
        raise GatewayBadResponse(
            "The token answer's lifetime is not a number.", request_id=request_id
        ) from exc
    if isinstance(roles, str):
        roles = [roles]
    return TokenGrant(
        access_token=access,
        refresh_token=str(refresh),
        expires_at=now + lifetime,
        user_id=str(user_id or ""),
        roles=tuple(str(role).upper() for role in roles),
    )


def request_token(username: str, password: str, *, request_id: str) -> TokenGrant:
    body = gateway_client().call(
        paths.TOKEN,
        auth=None,
        request_id=request_id,
        headers={"X-Tenant-ID": settings.GATEWAY_TENANT_ID},
        json={"username": username, "password": password},
    )
    return parse_token_grant(body, request_id=request_id)


def refresh_grant(grant: TokenGrant, *, request_id: str) -> TokenGrant:
    try:
        body = gateway_client().call(
            paths.TOKEN,
            auth=None,
            request_id=request_id,
            headers={"X-Tenant-ID": settings.GATEWAY_TENANT_ID},
            json={"grantType": "refresh_token", "refreshToken": grant.refresh_token},
        )
    except GatewayError as error:
        TOKEN_REFRESHES.labels(error.kind).inc()
        raise
    TOKEN_REFRESHES.labels("ok").inc()
    renewed = parse_token_grant(body, request_id=request_id)
    # Some gateways answer a refresh without repeating who the user is.
    return TokenGrant(
        access_token=renewed.access_token,
        refresh_token=renewed.refresh_token or grant.refresh_token,
        expires_at=renewed.expires_at,
        user_id=renewed.user_id or grant.user_id,
        roles=renewed.roles or grant.roles,
    )
