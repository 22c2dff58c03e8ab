"""The sandbox WSGI application: routing, auth and tenant checks, faults, control endpoints.

``create_app(db_path, **options)`` builds it. Service modules listed in ``SERVICE_MODULES``
each provide ``register(router)`` and optionally ``SCHEMA`` (SQL run at start-up) and
``seed_database(connection, rng)`` (run once per database, inside a transaction, with
``random.Random(SEED)``; ``SEED_NAME`` names the marker, the module's name by default). Each
gateway API is a package (``sandbox.customer``, ``sandbox.finsupport``); the shared
infrastructure (HTTP, routing, store, auth, faults, settings, server) sits beside them. See
``sandbox.routing`` for how to write one.
"""

from __future__ import annotations

import importlib
import logging
import random
import threading
from types import ModuleType
from typing import Any

from sandbox import auth
from sandbox.drops import cut_answer, drop_without_answer
from sandbox.faults import FaultInjector, FaultMode, FaultRule
from sandbox.http import ApiError, RawResponse, Request, error_body, json_response
from sandbox.routing import Router
from sandbox.settings import Settings
from sandbox.store import Store

logger = logging.getLogger("sandbox")

SEED = 20261124
SERVICE_MODULES = ("sandbox.auth", "sandbox.customer", "sandbox.finsupport")
CONTROL_PREFIX = "/_sandbox/"


class ConnectionStats:
    """Counts gateway requests and distinct client connections (REMOTE_ADDR, REMOTE_PORT)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests = 0
        self._connections: set[tuple[str, str]] = set()

    def record(self, environ: dict[str, Any]) -> None:
        peer = (str(environ.get("REMOTE_ADDR", "")), str(environ.get("REMOTE_PORT", "")))
        with self._lock:
            self._requests += 1
            self._connections.add(peer)

    def as_json(self) -> dict[str, int]:
        with self._lock:
            return {"requests": self._requests, "connections": len(self._connections)}

    def reset(self) -> None:
        with self._lock:
            self._requests = 0
            self._connections.clear()


class SandboxApp:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(settings.db_path)
        self.router = Router()
        self.stats = ConnectionStats()
        self.faults = FaultInjector(_initial_fault_rule(settings))
        modules = [importlib.import_module(name) for name in SERVICE_MODULES]
        for module in modules:
            if getattr(module, "SCHEMA", None):
                self.store.apply_schema(module.SCHEMA)
        if settings.seed:
            for module in modules:
                self._seed_once(module)
        self._register_control_routes()
        for module in modules:
            module.register(self.router)

    def _seed_once(self, module: ModuleType) -> None:
        seed = getattr(module, "seed_database", None)
        name = str(getattr(module, "SEED_NAME", module.__name__))
        if seed is None or self.store.is_seeded(name):
            return
        with self.store.write() as connection:
            seed(connection, random.Random(SEED))
            self.store.mark_seeded(connection, name)

    def close(self) -> None:
        self.store.close()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path = str(environ.get("PATH_INFO", "") or "/")
        if path.startswith(CONTROL_PREFIX):
            return self._answer(start_response, *self._handle(environ))
        self.stats.record(environ)
        rule = self.faults.take(str(environ.get("REQUEST_METHOD", "GET")), path)
        if rule is None:
            return self._answer(start_response, *self._handle(environ))
        return self._answer_with_fault(rule, environ, start_response)

    def _answer_with_fault(
        self, rule: FaultRule, environ: dict[str, Any], start_response: Any
    ) -> list[bytes]:
        if rule.mode is FaultMode.DROP_BEFORE_APPLY:
            self.faults.wait(rule)
            return drop_without_answer(environ, start_response)
        if rule.mode is FaultMode.DELAY:
            self.faults.wait(rule)
            if self.faults.fails(rule):
                return self._injected(start_response, rule)
            return self._answer(start_response, *self._handle(environ))
        handled = self._handle(environ)  # applied and stored before the client hears anything
        self.faults.wait(rule)
        if rule.mode is FaultMode.DROP:
            return cut_answer(environ, self._answer(start_response, *handled))
        if self.faults.fails(rule):
            return self._injected(start_response, rule)
        return self._answer(start_response, *handled)

    def _injected(self, start_response: Any, rule: FaultRule) -> list[bytes]:
        body = error_body(rule.status_code, "Injected fault (sandbox)")
        return json_response(start_response, rule.status_code, body)

    def _handle(self, environ: dict[str, Any]) -> tuple[int, Any]:
        """Route and run the request: its status and body (JSON-able, or a ``RawResponse``)."""
        try:
            return self._dispatch(environ)
        except ApiError as exc:
            return exc.status, exc.body()
        except Exception:
            logger.exception(
                "Unhandled error for %s %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO")
            )
            return 500, error_body(500, "Internal sandbox error")

    def _answer(self, start_response: Any, status: int, body: Any) -> list[bytes]:
        if isinstance(body, RawResponse):  # a non-JSON answer, e.g. a file's bytes
            return body.wsgi_response(start_response, status)
        return json_response(start_response, status, body)

    def _dispatch(self, environ: dict[str, Any]) -> tuple[int, Any]:
        request = Request(environ, self.store, self.settings)
        match = self.router.resolve(request.method, request.path)
        if match.route is None:
            if match.allowed:
                raise ApiError(405, f"Method {request.method} not allowed for {request.path}")
            raise ApiError(404, f"No route for {request.method} {request.path}")
        request.params = match.params
        if match.route.auth:
            request.auth = auth.authenticate(request)
        result = match.route.handler(request)
        if isinstance(result, tuple):
            return result[0], result[1]
        return 200, result

    def _register_control_routes(self) -> None:
        add = self.router.add
        add("GET", "/_sandbox/health", lambda request: {"status": "ok"}, auth=False)
        add("GET", "/_sandbox/faults", self._list_faults, auth=False)
        add("PUT", "/_sandbox/faults", self._put_fault, auth=False)
        add("DELETE", "/_sandbox/faults", self._clear_faults, auth=False)
        add("GET", "/_sandbox/stats", lambda request: self.stats.as_json(), auth=False)
        add("DELETE", "/_sandbox/stats", self._reset_stats, auth=False)
        add("POST", "/_sandbox/tokens/expire", auth.expire_access_tokens, auth=False)

    def _list_faults(self, request: Request) -> dict[str, Any]:
        return {"rules": self.faults.as_json()}

    def _put_fault(self, request: Request) -> dict[str, Any]:
        self.faults.put(FaultRule.from_json(request.json_object()))
        return self._list_faults(request)

    def _clear_faults(self, request: Request) -> dict[str, Any]:
        self.faults.clear()
        return self._list_faults(request)

    def _reset_stats(self, request: Request) -> dict[str, int]:
        self.stats.reset()
        return self.stats.as_json()


def _initial_fault_rule(settings: Settings) -> FaultRule | None:
    if not (settings.latency_ms or settings.jitter_ms or settings.error_rate):
        return None
    return FaultRule(
        latency_ms=settings.latency_ms,
        jitter_ms=settings.jitter_ms,
        error_rate=settings.error_rate,
        path_prefix=settings.fault_prefix,
    )


def create_app(
    db_path: str | None = None,
    *,
    token_ttl: int | None = None,
    refresh_ttl: int | None = None,
    latency_ms: int | None = None,
    jitter_ms: int | None = None,
    error_rate: float | None = None,
    fault_prefix: str | None = None,
    seed: bool = True,
) -> SandboxApp:
    """Build the WSGI app. Options left as ``None`` come from ``SANDBOX_*`` env vars, then
    defaults: token_ttl 3600 s, refresh_ttl 86400 s, no latency, jitter or errors. The database
    (``db_path``, else ``SANDBOX_DB``, else ``var/sandbox.sqlite3``) is seeded when empty."""
    settings = Settings.load(
        db_path,
        token_ttl=token_ttl,
        refresh_ttl=refresh_ttl,
        latency_ms=latency_ms,
        jitter_ms=jitter_ms,
        error_rate=error_rate,
        fault_prefix=fault_prefix,
        seed=seed,
    )
    return SandboxApp(settings)
