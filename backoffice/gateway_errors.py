"""How a gateway error looks on screen: one banner for full pages and HTMX fragments alike."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from .gateway.errors import GatewayBusy, GatewayError, GatewayForbidden, GatewayNotFound
from .http import StaffRequest


def render_gateway_error(
    request: StaffRequest, error: GatewayError, *, status: int
) -> HttpResponse:
    if isinstance(error, GatewayNotFound):
        status = 404
    elif isinstance(error, GatewayForbidden):
        status = 403
    elif isinstance(error, GatewayBusy):
        status = 503
    context = {"error": error}
    if request.htmx:
        response = render(request, "_gateway_error.html", context, status=status)
    else:
        template = "404.html" if status == 404 else "gateway_error.html"
        response = render(request, template, context, status=status)
    if isinstance(error, GatewayBusy):
        response["Retry-After"] = str(error.retry_after_seconds)
    return response
