"""Request ids, security headers, sign-in, gateway tokens and the gateway error funnel."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from . import staff
from .gateway.errors import GatewayError, GatewayNotFound, GatewayUnauthorized
from .gateway_errors import render_gateway_error
from .http import StaffRequest
from .request_id import current_request_id, new_request_id
from .token_refresh import refresh_once
from .tokens import TokenGrant

logger = logging.getLogger("backoffice.request")

REFRESHED_AFTER_401_KEY = "gateway_refreshed_after_401_at"

Handler = Callable[[HttpRequest], HttpResponse]

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


class RequestIdMiddleware:
    """Give each page request an id, send it on every gateway call and log lines
    (backoffice.request_log writes the request's own line)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: StaffRequest) -> HttpResponse:
        request_id = new_request_id(request.headers.get("X-Request-ID"))
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            return response
        finally:
            current_request_id.reset(token)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            # Pages show customer data: never keep them in a shared or back/forward cache.
            response.setdefault("Cache-Control", "no-store")
        return response


def redirect_to_login(request: StaffRequest) -> HttpResponse:
    """Back to sign-in, then here again; HTMX gets a whole-page redirect, not a swapped form."""
    next_url = request.get_full_path()
    if request.htmx:
        next_url = request.htmx.current_url_abs_path or "/"
    login_url = reverse(settings.LOGIN_URL) + "?" + urlencode({"next": next_url})
    if request.htmx:
        return HttpResponseClientRedirect(login_url)
    return HttpResponseRedirect(login_url)


class StaffLoginRequiredMiddleware(LoginRequiredMiddleware):
    def handle_no_permission(  # type: ignore[override]
        self, request: StaffRequest, view_func: Callable[..., HttpResponse]
    ) -> HttpResponse:
        return redirect_to_login(request)


class GatewaySessionMiddleware:
    """Attach the staff identity and gateway credentials; refresh the token before it lapses."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: StaffRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        loaded = staff.load_grant(request.session)
        if loaded is None:
            logout(request)
            return redirect_to_login(request)
        grant, identity = loaded
        if grant.seconds_left() < settings.GATEWAY_TOKEN_REFRESH_MARGIN:
            try:
                renewed = renew_grant(request, grant)
            except GatewayError as error:
                return render_gateway_error(request, error, status=502)
            if renewed is None:
                return redirect_to_login(request)
            grant = renewed
        request.staff = identity
        request.gateway_auth = staff.gateway_auth(grant, identity, request.request_id)
        return self.get_response(request)


def renew_grant(request: StaffRequest, grant: TokenGrant) -> TokenGrant | None:
    """A fresh token pair in the session, or None (and signed out) when the gateway refuses."""
    try:
        return refresh_once(request.session, grant, request_id=request.request_id)
    except GatewayUnauthorized:
        logger.info("token refresh refused; signing the staff member out")
        logout(request)
        return None


class GatewayErrorMiddleware:
    """The one funnel for gateway errors a view did not handle itself."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: StaffRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, GatewayError):
            return None
        if isinstance(exception, GatewayUnauthorized):
            return self._after_unauthorized(request)
        if isinstance(exception, GatewayNotFound):
            return render_gateway_error(request, exception, status=404)
        return render_gateway_error(request, exception, status=502)

    @staticmethod
    def _after_unauthorized(request: StaffRequest) -> HttpResponse:
        """The gateway ended the token early: refresh once and load the page again.

        Only for reads; a refused write is not replayed, the person signs in again instead.
        A page that fails again right after a refresh signs out rather than loop.
        """
        loaded = staff.load_grant(request.session) if request.user.is_authenticated else None
        recently = request.session.get(REFRESHED_AFTER_401_KEY, 0) > time.time() - 30
        if loaded is None or request.method not in ("GET", "HEAD") or recently:
            logout(request)
            return redirect_to_login(request)
        try:
            renewed = renew_grant(request, loaded[0])
        except GatewayError as error:
            return render_gateway_error(request, error, status=502)
        if renewed is None:
            return redirect_to_login(request)
        request.session[REFRESHED_AFTER_401_KEY] = time.time()
        return HttpResponseRedirect(request.get_full_path())
