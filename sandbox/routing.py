"""A small method + path router with ``{name}`` path parameters.

How a service module adds its routes (this is how ``sandbox.auth``, ``sandbox.customer`` and
``sandbox.finsupport`` do it; a gateway API with several modules is a package whose
``__init__`` exports ``register``, ``SCHEMA`` and ``seed_database``)::

    # sandbox/finsupport/__init__.py
    from sandbox.http import Request, not_found
    from sandbox.routing import Router

    BASE = "/finsupport/1.0.0"
    SCHEMA = "CREATE TABLE IF NOT EXISTS tickets (id TEXT PRIMARY KEY, tenant TEXT, data TEXT);"

    def seed_database(connection, rng):  # optional: runs once, inside a transaction, on an empty DB
        connection.executemany("INSERT INTO tickets VALUES (?, ?, ?)", [...])

    def get_ticket(request: Request):
        ticket_id = request.params["ticketId"]      # path parameter
        tenant = request.user.tenant_id             # caller, checked from the bearer token
        with request.store.read() as connection:    # or request.store.write() for changes
            row = connection.execute("SELECT ...").fetchone()
        if row is None:
            raise not_found(f"Ticket {ticket_id} not found")
        return {...}                                # 200 + JSON; or return (201, body)

    def register(router: Router) -> None:
        router.add("GET", BASE + "/ticket/{ticketId}", get_ticket)

then add ``"sandbox.finsupport"`` to ``SERVICE_MODULES`` in ``sandbox/app.py``.

Rules: routes are ``auth=True`` by default (bearer token + matching ``tenantId`` header are
checked before the handler runs); a handler returns a JSON-able body (status 200) or a
``(status, body)`` tuple, and raises ``sandbox.http.ApiError`` (or its helpers) for errors.
When several patterns match a path, the one with the most literal segments wins, so
``/customer/2.0.0/create`` beats ``/customer/2.0.0/{customerId}``. A path that matches only
under other methods answers 405; a path that matches nothing answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.http import Request

Handler = Callable[[Request], Any]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    segments: tuple[str, ...]
    handler: Handler
    auth: bool

    @property
    def literal_count(self) -> int:
        return sum(1 for segment in self.segments if not _is_param(segment))

    def match(self, parts: list[str]) -> dict[str, str] | None:
        if len(parts) != len(self.segments):
            return None
        params: dict[str, str] = {}
        for segment, part in zip(self.segments, parts, strict=True):
            if _is_param(segment):
                if not part:
                    return None
                params[segment[1:-1]] = part
            elif segment != part:
                return None
        return params


@dataclass(frozen=True)
class Match:
    route: Route | None
    params: dict[str, str]
    allowed: tuple[str, ...] = ()


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, pattern: str, handler: Handler, *, auth: bool = True) -> None:
        segments = tuple(_split(pattern))
        self.routes.append(Route(method.upper(), pattern, segments, handler, auth))

    def route(
        self, method: str, pattern: str, *, auth: bool = True
    ) -> Callable[[Handler], Handler]:
        """Decorator form of :meth:`add`."""

        def decorate(handler: Handler) -> Handler:
            self.add(method, pattern, handler, auth=auth)
            return handler

        return decorate

    def resolve(self, method: str, path: str) -> Match:
        parts = _split(path)
        best: tuple[Route, dict[str, str]] | None = None
        allowed: set[str] = set()
        for route in self.routes:
            params = route.match(parts)
            if params is None:
                continue
            if route.method != method.upper():
                allowed.add(route.method)
                continue
            if best is None or route.literal_count > best[0].literal_count:
                best = (route, params)
        if best is not None:
            return Match(best[0], best[1])
        return Match(None, {}, tuple(sorted(allowed)))


def _split(path: str) -> list[str]:
    return path.strip("/").split("/")


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")
