"""Token service (``POST /api/v2/auth/token``), bearer checks and the demo staff users.

Demo staff (password for each is ``<username>-sandbox``, e.g. ``bob-sandbox``):

=========  ============  =========  ===============  ==========
username   tenant        user id    name             roles
=========  ============  =========  ===============  ==========
alice      finhub-demo   u-alice    Alice Admin      ADMIN
bob        finhub-demo   u-bob      Bob Compliance   COMPLIANCE
carol      finhub-demo   u-carol    Carol Agent      ASSIGNEE
erin       finhub-demo   u-erin     Erin Compliance  COMPLIANCE
dave       finhub-other  u-dave     Dave Other       COMPLIANCE
=========  ============  =========  ===============  ==========

``GET /api/v2/users`` and ``GET /api/v2/users/{userId}`` are sandbox-inferred: the back office
needs a name for a user id, and the published gateway shows no such endpoint.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sandbox.http import (
    AuthContext,
    Request,
    bad_request,
    field_error,
    forbidden,
    not_found,
    unauthorized,
)
from sandbox.routing import Router

TOKEN_PATH = "/api/v2/auth/token"
USERS_PATH = "/api/v2/users"
SCOPE = "backoffice"

SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    user_id TEXT NOT NULL,
    tenant TEXT NOT NULL,
    expires_at REAL NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
"""


@dataclass(frozen=True)
class StaffUser:
    id: str
    username: str
    name: str
    tenant_id: str
    roles: tuple[str, ...]

    @property
    def password(self) -> str:
        return f"{self.username}-sandbox"

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "username": self.username, "name": self.name, "roles": [*self.roles]}


STAFF_USERS = (
    StaffUser("u-alice", "alice", "Alice Admin", "finhub-demo", ("ADMIN",)),
    StaffUser("u-bob", "bob", "Bob Compliance", "finhub-demo", ("COMPLIANCE",)),
    StaffUser("u-carol", "carol", "Carol Agent", "finhub-demo", ("ASSIGNEE",)),
    StaffUser("u-erin", "erin", "Erin Compliance", "finhub-demo", ("COMPLIANCE",)),
    StaffUser("u-dave", "dave", "Dave Other", "finhub-other", ("COMPLIANCE",)),
)
USERS_BY_NAME = {user.username: user for user in STAFF_USERS}
USERS_BY_ID = {user.id: user for user in STAFF_USERS}


def issue_token(request: Request) -> dict[str, Any]:
    tenant_id = request.header("X-Tenant-ID")
    if not tenant_id:
        raise bad_request([field_error("X-Tenant-ID", "header is required")])
    body = request.json_object()
    grant_type = body.get("grantType") or "password"
    if grant_type == "refresh_token":
        user = _redeem_refresh_token(request, body, tenant_id)
    elif grant_type == "password":
        user = _check_password(body, tenant_id)
    else:
        raise bad_request([field_error("grantType", "must be 'password' or 'refresh_token'")])
    return _new_token_pair(request, user)


def _check_password(body: dict[str, Any], tenant_id: str) -> StaffUser:
    errors = [
        field_error(name, "is required")
        for name in ("username", "password")
        if not isinstance(body.get(name), str) or not body.get(name)
    ]
    if errors:
        raise bad_request(errors)
    user = USERS_BY_NAME.get(body["username"])
    password_ok = user is not None and hmac.compare_digest(
        user.password.encode(), str(body["password"]).encode()
    )
    if user is None or not password_ok or user.tenant_id != tenant_id:
        raise unauthorized("Invalid username, password or tenant")
    return user


def _redeem_refresh_token(request: Request, body: dict[str, Any], tenant_id: str) -> StaffUser:
    refresh_token = body.get("refreshToken")
    if not isinstance(refresh_token, str) or not refresh_token:
        raise bad_request([field_error("refreshToken", "is required")])
    with request.store.write() as connection:
        row = connection.execute(
            "SELECT user_id, tenant, expires_at, revoked FROM tokens"
            " WHERE token = ? AND kind = 'refresh'",
            (refresh_token,),
        ).fetchone()
        if row is None or row["revoked"] or row["expires_at"] <= time.time():
            raise unauthorized("Refresh token is unknown, expired or revoked")
        if row["tenant"] != tenant_id:
            raise unauthorized("Refresh token belongs to another tenant")
        connection.execute("UPDATE tokens SET revoked = 1 WHERE token = ?", (refresh_token,))
    return USERS_BY_ID[row["user_id"]]


def _new_token_pair(request: Request, user: StaffUser) -> dict[str, Any]:
    settings = request.settings
    now = time.time()
    access_token = secrets.token_urlsafe(32)
    refresh_token = secrets.token_urlsafe(32)
    with request.store.write() as connection:
        connection.executemany(
            "INSERT INTO tokens (token, kind, user_id, tenant, expires_at) VALUES (?, ?, ?, ?, ?)",
            [
                (access_token, "access", user.id, user.tenant_id, now + settings.token_ttl),
                (refresh_token, "refresh", user.id, user.tenant_id, now + settings.refresh_ttl),
            ],
        )
    return {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": settings.token_ttl,
        "refresh_token": refresh_token,
        "scope": SCOPE,
        "userId": user.id,
        "roles": [*user.roles],
    }


def authenticate(request: Request) -> AuthContext:
    """Check ``Authorization: Bearer`` (401) and the ``tenantId`` header (400 / 403)."""
    header = request.header("Authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("Bearer token is missing")
    with request.store.read() as connection:
        row = connection.execute(
            "SELECT user_id, tenant, expires_at, revoked FROM tokens"
            " WHERE token = ? AND kind = 'access'",
            (token.strip(),),
        ).fetchone()
    if row is None or row["revoked"]:
        raise unauthorized("Bearer token is unknown or revoked")
    if row["expires_at"] <= time.time():
        raise unauthorized("Bearer token has expired")
    tenant_id = request.header("tenantId")
    if not tenant_id:
        raise bad_request([field_error("tenantId", "header is required")])
    if tenant_id != row["tenant"]:
        raise forbidden(f"Token is not valid for tenant {tenant_id}")
    user = USERS_BY_ID[row["user_id"]]
    return AuthContext(user.id, user.username, user.tenant_id, [*user.roles])


def expire_access_tokens(request: Request) -> dict[str, int]:
    """Control endpoint: every current access token expires now (refresh tokens stay valid)."""
    now = time.time()
    with request.store.write() as connection:
        cursor = connection.execute(
            "UPDATE tokens SET expires_at = ? WHERE kind = 'access' AND expires_at > ?",
            (now - 1, now),
        )
    return {"expired": cursor.rowcount}


def list_users(request: Request) -> list[dict[str, Any]]:
    tenant_id = request.user.tenant_id
    return [user.as_json() for user in STAFF_USERS if user.tenant_id == tenant_id]


def get_user(request: Request) -> dict[str, Any]:
    user_id = request.params["userId"]
    user = USERS_BY_ID.get(user_id)
    if user is None:
        raise not_found(f"User {user_id} not found")
    if user.tenant_id != request.user.tenant_id:
        raise forbidden(f"User {user_id} belongs to another tenant")
    return user.as_json()


def register(router: Router) -> None:
    router.add("POST", TOKEN_PATH, issue_token, auth=False)
    router.add("GET", USERS_PATH, list_users)
    router.add("GET", USERS_PATH + "/{userId}", get_user)
