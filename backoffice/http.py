"""The request as our middleware leaves it, for type checking views."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .gateway.client import GatewayAuth
from .models import StaffMember
from .staff import StaffIdentity


class StaffRequest(HttpRequest):
    user: StaffMember  # sign-in is required everywhere it is used
    htmx: HtmxDetails
    request_id: str
    staff: StaffIdentity
    gateway_auth: GatewayAuth
