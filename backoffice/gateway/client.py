"""The one HTTP client for the gateway: a pooled session, timeouts, read retries, typed errors."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from .. import deadline
from ..metrics import GATEWAY_CALL_SECONDS, GATEWAY_CALLS_IN_FLIGHT, GATEWAY_ERRORS
from . import errors
from .in_flight import InFlightLimit
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
    max_in_flight: int = 6
    busy_wait: float = 0.25


class GatewayClient:
    def __init__(self, settings: ClientSettings) -> None:
        self.settings = settings
        self.session = requests.Session()
        adapter = HTTPAdapter(
            pool_connections=1, pool_maxsize=settings.pool_size, max_retries=0, pool_block=True
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        # requests would look up proxies, a CA bundle and a .netrc in the environment on every
        # call (a fifth of a call's CPU); the process's environment is read once, here.
        found = self.session.merge_environment_settings(settings.base_url, {}, None, True, None)
        self.session.trust_env = False
        self.session.proxies, self.session.verify = found["proxies"], found["verify"]
        self.in_flight = InFlightLimit(settings.max_in_flight, settings.busy_wait)
        # The pool blocks when all its connections are out, and requests offers no timeout for
        # that wait; taking one of these first bounds it by the page's deadline.
        self._connections = threading.BoundedSemaphore(settings.pool_size)

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

        Every call shares the page's deadline. Reads are retried with backoff after a failed
        connect or a 502/503/504, while the deadline allows; never after a read timeout (a
        gateway that did not answer in time will not answer the same read faster), and writes
        never are, because the gateway may already have acted on them.
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
                backoff = self.settings.retry_backoff * 2 ** (attempt - 1)
                if attempt == attempts or not is_transient(failure) or not _time_for(backoff):
                    raise
                time.sleep(backoff)
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
        """One attempt, logged as one line and counted, whether it was answered or not."""
        started = time.perf_counter()
        try:
            response = self._send(endpoint, url, headers, request_id, **body)
            if not response.ok:
                raise error_from_response(response, request_id)
        except errors.GatewayError as error:
            GATEWAY_ERRORS.labels(endpoint.template, endpoint.method, error.kind).inc()
            _log_call(endpoint, error.status, error.kind, started, attempt)
            raise
        _log_call(endpoint, response.status_code, "", started, attempt)
        return response

    def _send(
        self, endpoint: Endpoint, url: str, headers: dict[str, str], request_id: str, **body: Any
    ) -> requests.Response:
        with self.in_flight.place(request_id), self._connection(request_id):
            timeout = self._timeouts(endpoint, request_id)
            GATEWAY_CALLS_IN_FLIGHT.inc()
            sent = time.perf_counter()
            try:
                return self.session.request(
                    endpoint.method, url, headers=headers, timeout=timeout, **body
                )
            except requests.RequestException as exc:
                raise error_from_exception(exc, endpoint, request_id) from exc
            finally:
                GATEWAY_CALLS_IN_FLIGHT.dec()
                GATEWAY_CALL_SECONDS.labels(endpoint.template, endpoint.method).observe(
                    time.perf_counter() - sent
                )

    def _timeouts(self, endpoint: Endpoint, request_id: str) -> tuple[float, float]:
        """(connect, read) timeouts: the configured ones, cut to what the page has left."""
        left = deadline.time_left()
        if left is not None and left <= 0:
            raise errors.GatewayDeadlineExceeded(
                f"The page ran out of time before {endpoint.method} {endpoint.template}.",
                request_id=request_id,
            )
        return (
            deadline.bounded(self.settings.connect_timeout),
            deadline.bounded(self.settings.read_timeout),
        )

    @contextmanager
    def _connection(self, request_id: str) -> Iterator[None]:
        left = deadline.time_left()
        if not self._connections.acquire(timeout=None if left is None else max(0.0, left)):
            raise errors.GatewayBusy(
                "Every connection to the gateway is in use.", request_id=request_id
            )
        try:
            yield
        finally:
            self._connections.release()


def _log_call(
    endpoint: Endpoint, status: int | None, error: str, started: float, attempt: int
) -> None:
    """One line per attempt: what was called and how it ended; never a header or a body.

    `status` is the HTTP status (None when no answer came), `error` the error type when failed.
    """
    ms = round((time.perf_counter() - started) * 1000, 1)
    logger.log(
        logging.WARNING if error else logging.INFO,
        "gateway %s %s -> %s in %.0f ms",
        endpoint.method,
        endpoint.template,
        error if status is None else status,
        ms,
        extra={
            "endpoint": endpoint.template,
            "method": endpoint.method,
            "status": status,
            "error": error or None,
            "ms": ms,
            "attempt": attempt,
        },
    )


def _time_for(backoff: float) -> bool:
    """Whether the page has time to wait `backoff` seconds and still try again."""
    left = deadline.time_left()
    return left is None or left > backoff


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
    """A failure worth one more try for a read: a failed connect, a connection dropped before
    the answer (often a keep-alive connection the gateway had closed), or a 502/503/504.

    Not a read timeout (it would only wait as long again), and not our own busy or
    out-of-time answers.
    """
    if failure.status is not None:
        return failure.status in RETRYABLE_STATUSES
    return type(failure) in (errors.GatewayUnavailable, errors.GatewayConnectionLost)


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
