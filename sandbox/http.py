"""Request object, the gateway's error shape and JSON responses for the WSGI layer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from sandbox.settings import Settings
    from sandbox.store import Store

MAX_BODY_BYTES = 10 * 1024 * 1024


class ApiError(Exception):
    """An error answered as ``{"status", "error", "message"}`` (plus ``errors`` on 400)."""

    def __init__(
        self, status: int, message: str, errors: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        return error_body(self.status, self.message, self.errors)


def error_body(
    status: int, message: str, errors: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "error": reason_phrase(status), "message": message}
    if errors is not None:
        body["errors"] = errors
    return body


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def field_error(field_name: str, message: str) -> dict[str, str]:
    return {"field": field_name, "message": message}


def bad_request(errors: list[dict[str, str]], message: str = "Validation failed") -> ApiError:
    return ApiError(400, message, errors)


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


def forbidden(message: str) -> ApiError:
    return ApiError(403, message)


def unauthorized(message: str) -> ApiError:
    return ApiError(401, message)


@dataclass
class AuthContext:
    """Who is calling: filled in from the bearer token on every authenticated route."""

    user_id: str
    username: str
    tenant_id: str
    roles: list[str]


@dataclass
class Request:
    environ: dict[str, Any]
    store: Store
    settings: Settings
    params: dict[str, str] = field(default_factory=dict)
    auth: AuthContext | None = None
    _body: bytes | None = None

    @property
    def method(self) -> str:
        return str(self.environ.get("REQUEST_METHOD", "GET")).upper()

    @property
    def path(self) -> str:
        return str(self.environ.get("PATH_INFO", "") or "/")

    @property
    def query(self) -> dict[str, str]:
        parsed = parse_qs(str(self.environ.get("QUERY_STRING", "")), keep_blank_values=True)
        return {key: values[0] for key, values in parsed.items()}

    def header(self, name: str) -> str | None:
        key = "HTTP_" + name.upper().replace("-", "_")
        if name.lower() == "content-type":
            key = "CONTENT_TYPE"
        value = self.environ.get(key)
        return None if value is None else str(value)

    @property
    def user(self) -> AuthContext:
        """The caller; only valid on routes registered with ``auth=True``."""
        assert self.auth is not None, "route was registered without auth"
        return self.auth

    def body(self) -> bytes:
        if self._body is None:
            try:
                length = int(self.environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > MAX_BODY_BYTES:
                raise ApiError(413, "Request body too large")
            self._body = self.environ["wsgi.input"].read(length) if length > 0 else b""
        return self._body

    def json(self) -> Any:
        """The decoded JSON body; ``None`` when the body is empty."""
        raw = self.body()
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise bad_request(
                [field_error("body", "malformed JSON")], "Malformed JSON body"
            ) from exc

    def json_object(self) -> dict[str, Any]:
        """The JSON body as an object; an empty body counts as ``{}``."""
        data = self.json()
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise bad_request([field_error("body", "must be a JSON object")])
        return data


@runtime_checkable
class RawResponse(Protocol):
    """A handler's non-JSON answer (e.g. a file's bytes) that writes its own WSGI response."""

    def wsgi_response(self, start_response: Any, status: int) -> list[bytes]: ...


def json_response(
    start_response: Any, status: int, body: Any, extra_headers: list[tuple[str, str]] | None = None
) -> list[bytes]:
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = [
        ("Content-Type", "application/json; charset=utf-8"),
        ("Content-Length", str(len(payload))),
        *(extra_headers or []),
    ]
    start_response(f"{status} {reason_phrase(status)}", headers)
    return [payload]
