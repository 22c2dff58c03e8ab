"""Prometheus metrics, and the protected /metrics page that serves them.

With several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR (an empty directory, emptied before
the server starts): every worker then writes its numbers there and any worker's /metrics adds
them all up. Without it each process counts for itself.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

logger = logging.getLogger("backoffice.metrics")

# Pages take milliseconds to seconds; the page deadline is a few seconds.
SECONDS_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16)

REQUEST_SECONDS = Histogram(
    "backoffice_request_seconds",
    "Time to answer a request, by view name, method and status code.",
    ["view", "method", "status"],
    buckets=SECONDS_BUCKETS,
)
GATEWAY_CALL_SECONDS = Histogram(
    "backoffice_gateway_call_seconds",
    "Time from sending a gateway call to its answer, by endpoint template and method.",
    ["endpoint", "method"],
    buckets=SECONDS_BUCKETS,
)
GATEWAY_ERRORS = Counter(
    "backoffice_gateway_errors_total",
    "Gateway calls that failed, by endpoint template, method and error type.",
    ["endpoint", "method", "error"],
)
GATEWAY_CALLS_IN_FLIGHT = Gauge(
    "backoffice_gateway_calls_in_flight",
    "Gateway calls sent and not yet answered.",
    multiprocess_mode="livesum",
)
TOKEN_REFRESHES = Counter(
    "backoffice_token_refreshes_total",
    "Gateway token refreshes, by outcome (ok or the error type).",
    ["outcome"],
)


class _ScrapeTimeGauges(Collector):
    """Gauges read at scrape time (from the database, say), so every process reports the truth."""

    def __init__(self) -> None:
        self.reads: dict[str, tuple[str, Callable[[], float]]] = {}

    def collect(self) -> Iterable[Metric]:
        for name, (documentation, read) in self.reads.items():
            try:
                value = read()
            except Exception:  # a scrape must not fail because one source is down
                logger.exception("metric %s could not be read", name)
                continue
            yield GaugeMetricFamily(name, documentation, value=value)


_scrape_time_gauges = _ScrapeTimeGauges()
REGISTRY.register(_scrape_time_gauges)


def gauge_at_scrape(name: str, documentation: str, read: Callable[[], float]) -> None:
    """Report `read()` as gauge `name` on every scrape (apps register theirs when ready)."""
    _scrape_time_gauges.reads[name] = (documentation, read)


def _registry() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    registry.register(_scrape_time_gauges)
    return registry


def _authorized(request: HttpRequest) -> bool:
    expected = f"Bearer {settings.METRICS_TOKEN}".encode()
    given = request.headers.get("Authorization", "").encode()
    return hmac.compare_digest(given, expected)


@login_not_required
@require_GET
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Served only when METRICS_TOKEN is set, and only to a scraper that sends it."""
    if not settings.METRICS_TOKEN:
        raise Http404
    if not _authorized(request):
        return HttpResponseForbidden("A valid metrics bearer token is required.\n")
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
