"""One structured log line and one latency sample per request; who asked, on every line.

Log lines are JSON (settings.LOGGING, python-json-logger); the fields ride on `extra`, so a
message never needs to hold anything but the method, path and status. Headers and bodies are
never logged: that is where tokens and passwords travel.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .metrics import REQUEST_SECONDS

logger = logging.getLogger("backoffice.request")

_current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)


def current_staff_id() -> str:
    """The gateway user id of whoever the running request is for, once sign-in has told us."""
    request = _current_request.get()
    staff = getattr(request, "staff", None)
    return str(getattr(staff, "user_id", "") or "")


def view_name(request: HttpRequest) -> str:
    """The URL name of the view that answered ("customers:detail"), for logs and metrics."""
    match = request.resolver_match
    if match is not None:
        return match.view_name or match._func_path
    if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return "static"
    return "unmatched"


class StaffLogFilter(logging.Filter):
    """Adds `staff_id` to every record (gateway calls made on worker threads included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.staff_id = current_staff_id()
        return True


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            view = view_name(request)
            REQUEST_SECONDS.labels(view, request.method, str(response.status_code)).observe(seconds)
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "view": view,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round(seconds * 1000, 1),
                },
            )
            return response
        finally:
            _current_request.reset(token)
