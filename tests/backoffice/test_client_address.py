"""Which address a request came from, for the sign-in throttle."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from backoffice.client_address import client_address


def address_of(remote: str, forwarded: str | None = None) -> str:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/login/", REMOTE_ADDR=remote, **extra))


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() -> None:
    assert address_of("203.0.113.9", "198.51.100.7") == "203.0.113.9"


def test_an_ipv6_client_is_counted_by_its_64_network() -> None:
    assert address_of("2001:db8:1:2:aaaa::1") == address_of("2001:db8:1:2:bbbb::2")
    assert address_of("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert address_of("2001:db8:1:3::1") != address_of("2001:db8:1:2::1")
    assert address_of("::ffff:203.0.113.9") == "203.0.113.9"


@pytest.mark.parametrize(
    ("trusted", "forwarded", "client"),
    [
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "192.0.2.1, 198.51.100.7", "198.51.100.7"),  # the left part is the client's own say
        (2, "192.0.2.1, 198.51.100.7, 10.0.0.3", "198.51.100.7"),
        (2, "198.51.100.7", "198.51.100.7"),  # a shorter chain: the leftmost the proxies passed
        (1, "not-an-address", "10.0.0.2"),  # nonsense falls back to the peer
        (1, None, "10.0.0.2"),
    ],
)
def test_behind_trusted_proxies_the_address_the_outermost_one_saw_is_the_client(
    settings: Any, trusted: int, forwarded: str | None, client: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = trusted
    assert address_of("10.0.0.2", forwarded) == client
