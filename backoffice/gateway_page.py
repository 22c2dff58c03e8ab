"""Each page request gets its gateway budget: one deadline and one place among pages in flight."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .deadline import gateway_deadline
from .gateway.in_flight import one_page


class GatewayPageMiddleware:
    """Start the page's gateway clock as the request arrives, so token refresh counts too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with gateway_deadline(settings.GATEWAY_PAGE_DEADLINE), one_page():
            return self.get_response(request)
