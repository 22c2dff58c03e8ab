"""How a gateway error looks on screen: one banner for full pages and HTMX fragments alike."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from .gateway.errors import GatewayError, GatewayForbidden, GatewayNotFound
from .http import StaffRequest


def render_gateway_error(
    request: StaffRequest, error: GatewayError, *, status: int
) -> HttpResponse:
    if isinstance(error, GatewayNotFound):
        status = 404
    elif isinstance(error, GatewayForbidden):
        status = 403
    context = {"error": error}
    if request.htmx:
        return render(request, "_gateway_error.html", context, status=status)
    template = "404.html" if status == 404 else "gateway_error.html"
    return render(request, template, context, status=status)
