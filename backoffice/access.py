"""Role checks for whole areas: every route under an area passes the same check.

The compliance areas (the audit trail and the four-eyes queue) are guarded where their URLs are
included, so a route added there later is guarded without anyone remembering to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from importlib import import_module
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.urls import URLPattern, URLResolver, include

View = Callable[..., HttpResponseBase]


def compliance_only(view: View) -> View:
    """Refuse (403) anyone whose role may not read the audit trail or the approvals queue."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        identity = getattr(request, "staff", None)
        if identity is None or not identity.can_read_compliance:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def include_compliance_only(
    urlconf: str,
) -> tuple[Sequence[URLPattern | URLResolver], str | None, str | None]:
    """`include()` of a URLconf module with every one of its views wrapped in `compliance_only`."""
    module = import_module(urlconf)
    return include((_guarded(module.urlpatterns), module.app_name))


def _guarded(patterns: Sequence[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    guarded: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            guarded.append(
                URLResolver(
                    pattern.pattern,
                    _guarded(pattern.url_patterns),
                    pattern.default_kwargs,
                    pattern.app_name,
                    pattern.namespace,
                )
            )
        else:
            guarded.append(
                URLPattern(
                    pattern.pattern,
                    compliance_only(pattern.callback),
                    pattern.default_args,
                    pattern.name,
                )
            )
    return guarded
