"""Probes for a load balancer or orchestrator: /healthz (the process answers) and /readyz
(it can serve pages: database, cache and gateway each answer within READYZ_TIMEOUT)."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from contextvars import copy_context
from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache as django_cache
from django.db import connection, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .deadline import gateway_deadline
from .gateway import paths
from .gateway.connection import gateway_client
from .gateway.errors import GatewayError
from .request_id import current_request_id

logger = logging.getLogger("backoffice.health")


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: no database, cache or gateway involved, so a slow dependency never restarts us."""
    return JsonResponse({"status": "ok"})


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        # This runs on a probe thread: give its connection back rather than keep it open.
        connections.close_all()
    return "ok"


def check_cache() -> str:
    key, value = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    django_cache.set(key, value, timeout=10)
    read_back = django_cache.get(key)
    django_cache.delete(key)
    if read_back != value:
        raise RuntimeError("the cache did not give back what was just stored")
    return "ok"


def check_gateway() -> str:
    """Any HTTP answer below 500 means reachable: unauthenticated, the gateway answers 401."""
    with gateway_deadline(settings.READYZ_TIMEOUT):
        try:
            gateway_client().call(paths.STAFF_USERS, auth=None, request_id=current_request_id.get())
        except GatewayError as error:
            if error.status is None or error.status >= 500:
                raise
            return f"ok (HTTP {error.status})"
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "gateway": check_gateway,
}


@cache
def _probe_threads() -> ThreadPoolExecutor:
    # Its own few threads: a hung dependency stalls later probes, never the gateway reads.
    return ThreadPoolExecutor(max_workers=len(CHECKS) * 2, thread_name_prefix="readyz")


@login_not_required
@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready: every check answered "ok" within READYZ_TIMEOUT (run at the same time); else 503."""
    started = time.monotonic()
    futures = {
        name: _probe_threads().submit(copy_context().run, check) for name, check in CHECKS.items()
    }
    wait(futures.values(), timeout=settings.READYZ_TIMEOUT)
    results: dict[str, dict[str, object]] = {}
    for name, future in futures.items():
        if not future.done():
            future.cancel()
            results[name] = {"ok": False, "detail": f"no answer in {settings.READYZ_TIMEOUT} s"}
            continue
        try:
            results[name] = {"ok": True, "detail": future.result()}
        except Exception as error:  # any failure of a dependency is "not ready", never a 500
            logger.warning("readiness check %s failed: %s", name, type(error).__name__)
            results[name] = {"ok": False, "detail": _describe(error)}
    ready = all(result["ok"] for result in results.values())
    return JsonResponse(
        {
            "status": "ok" if ready else "unavailable",
            "checks": results,
            "ms": round((time.monotonic() - started) * 1000),
        },
        status=200 if ready else 503,
    )


def _describe(error: Exception) -> str:
    """What failed, without a message that might carry a connection string or a password."""
    if isinstance(error, GatewayError):
        return f"{type(error).__name__}: {error.title}"
    return type(error).__name__
