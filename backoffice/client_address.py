"""The address a request came from, as far as this deployment can vouch for it.

Without trusted proxies (the default) that is REMOTE_ADDR and X-Forwarded-For is ignored: anyone
can write that header. Behind N reverse proxies that each append the address they saw, the
client is the entry the outermost trusted proxy appended, N places from the right of the chain.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# IPv6 clients get whole /64 networks: one person can hold any number of its addresses.
IPV6_PREFIX = 64


def client_address(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR", ""))
    trusted_hops = int(settings.TRUSTED_PROXY_COUNT)
    if trusted_hops <= 0:
        return _normalised(remote) or remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    chain = [hop.strip() for hop in forwarded.split(",") if hop.strip()] + [remote]
    seen_by_outermost_proxy = chain[-(trusted_hops + 1)] if len(chain) > trusted_hops else chain[0]
    return _normalised(seen_by_outermost_proxy) or _normalised(remote) or remote


def _normalised(text: str) -> str:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)
