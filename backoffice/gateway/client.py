"""The one HTTP client for the gateway: a pooled session, timeouts, read retries, typed errors."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from . import errors
from .paths import Endpoint

logger = logging.getLogger("backoffice.gateway")

RETRYABLE_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True)
class GatewayAuth:
    """Who is calling: the bearer token, the tenant, and the id of the page request."""

    access_token: str
    tenant_id: str
    request_id: str


@dataclass(frozen=True)
class ClientSettings:
    base_url: str
    tenant_id: str
    connect_timeout: float
    read_timeout: float
    pool_size: int
    read_retries: int
    retry_backoff: float


class GatewayClient:
    def __init__(self, settings: ClientSettings) -> None:
        self.settings = settings
        self.session = requests.Session()
        adapter = HTTPAdapter(
            pool_connections=1, pool_maxsize=settings.pool_size, max_retries=0, pool_block=True
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def call(
        self,
        endpoint: Endpoint,
        *,
        auth: GatewayAuth | None,
        request_id: str = "",
        path_params: dict[str, str] | None = None,
        json: Any = None,
        params: dict[str, Any] | None = None,
        files: Any = None,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        raw: bool = False,
    ) -> Any:
        """Make one gateway call and return its decoded JSON (or the response when `raw`).

        Reads are retried with backoff after connection failures, timeouts and 502/503/504;
        writes never are, because the gateway may already have acted on them.
        """
        url = self.settings.base_url + endpoint.path(**(path_params or {}))
        request_id = auth.request_id if auth else request_id
        sent_headers = {"X-Request-ID": request_id, "Accept": "application/json"}
        if auth:
            sent_headers["Authorization"] = f"Bearer {auth.access_token}"
            sent_headers["tenantId"] = auth.tenant_id
        sent_headers.update(headers or {})
        attempts = 1 + (self.settings.read_retries if endpoint.read else 0)
        for attempt in range(1, attempts + 1):
            try:
                response = self._send_once(
                    endpoint,
                    url,
                    sent_headers,
                    request_id,
                    attempt,
                    json=json,
                    params=params,
                    files=files,
                    data=data,
                )
            except errors.GatewayError as failure:
                if attempt == attempts or not is_transient(failure):
                    raise
                time.sleep(self.settings.retry_backoff * 2 ** (attempt - 1))
                continue
            return response if raw else decode_json(response, request_id)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _send_once(
        self,
        endpoint: Endpoint,
        url: str,
        headers: dict[str, str],
        request_id: str,
        attempt: int,
        **body: Any,
    ) -> requests.Response:
        started = time.perf_counter()
        try:
            response = self.session.request(
                endpoint.method,
                url,
                headers=headers,
                timeout=(self.settings.connect_timeout, self.settings.read_timeout),
                **body,
            )
        except requests.RequestException as exc:
            error = error_from_exception(exc, endpoint, request_id)
            self._log_failure(endpoint, error.kind, request_id, attempt)
            raise error from exc
        logger.info(
            "gateway %s %s -> %s in %.0f ms request_id=%s attempt=%s",
            endpoint.method,
            endpoint.template,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            request_id,
            attempt,
        )
        if not response.ok:
            raise error_from_response(response, request_id)
        return response

    @staticmethod
    def _log_failure(endpoint: Endpoint, what: str, request_id: str, attempt: int) -> None:
        logger.warning(
            "gateway %s %s -> %s request_id=%s attempt=%s",
            endpoint.method,
            endpoint.template,
            what,
            request_id,
            attempt,
        )


def error_from_exception(
    exc: requests.RequestException, endpoint: Endpoint, request_id: str
) -> errors.GatewayError:
    """Every way `requests` can fail, as a typed gateway error.

    What matters for a write is whether the request may have reached the gateway: a refused or
    timed-out connect means nothing was sent; a read timeout or a connection dropped mid-answer
    means it may have been acted on (outcome unknown).
    """
    where = f"{endpoint.method} {endpoint.template}"
    if isinstance(exc, requests.ConnectTimeout):
        return errors.GatewayUnavailable(
            "The gateway could not be reached in time.", request_id=request_id
        )
    if isinstance(exc, requests.Timeout):
        return errors.GatewayTimeout(
            f"The gateway did not answer {where} in time.", request_id=request_id
        )
    if isinstance(
        exc, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError
    ):
        return errors.GatewayConnectionLost(
            f"The connection to the gateway broke during the answer to {where}.",
            request_id=request_id,
        )
    if isinstance(exc, requests.ConnectionError):
        if _never_connected(exc):
            return errors.GatewayUnavailable(
                "The gateway could not be reached.", request_id=request_id
            )
        return errors.GatewayConnectionLost(
            f"The connection to the gateway broke before the answer to {where}.",
            request_id=request_id,
        )
    return errors.GatewayUnavailable(
        f"The request {where} could not be made ({type(exc).__name__}).", request_id=request_id
    )


def _never_connected(exc: requests.ConnectionError) -> bool:
    """True for a refused or failed connect (nothing sent), as urllib3 reports it."""
    from urllib3.exceptions import NameResolutionError, NewConnectionError

    reason: object = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # MaxRetryError wraps the cause
    return isinstance(reason, NewConnectionError | NameResolutionError | ConnectionRefusedError)


def is_transient(failure: errors.GatewayError) -> bool:
    """A failure worth one more try for a read: no answer, or a gateway-side hiccup."""
    if not isinstance(failure, errors.GatewayUnavailable):
        return False
    return failure.status is None or failure.status in RETRYABLE_STATUSES


def decode_json(response: requests.Response, request_id: str) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise errors.GatewayBadResponse(
            f"The gateway answered {response.status_code} with a body that is not JSON.",
            status=response.status_code,
            request_id=request_id,
        ) from exc


def error_from_response(response: requests.Response, request_id: str) -> errors.GatewayError:
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    message = str(body.get("message") or body.get("error") or "")
    field_errors: dict[str, list[str]] = {}
    for item in body.get("errors") or []:
        if isinstance(item, dict):
            field = str(item.get("field") or "__all__")
            field_errors.setdefault(field, []).append(str(item.get("message") or "invalid"))
    error_class: type[errors.GatewayError]
    if status == 401:
        error_class = errors.GatewayUnauthorized
    elif status == 403:
        error_class = errors.GatewayForbidden
    elif status == 404:
        error_class = errors.GatewayNotFound
    elif status in (400, 409, 413, 422):
        error_class = errors.GatewayRejected
    elif status == 504:
        error_class = errors.GatewayTimeout
    elif status >= 500 or status == 429:
        error_class = errors.GatewayUnavailable
    else:
        error_class = errors.GatewayBadResponse
    if not message:
        message = f"{error_class.title} (HTTP {status})."
    return error_class(message, status=status, request_id=request_id, field_errors=field_errors)
