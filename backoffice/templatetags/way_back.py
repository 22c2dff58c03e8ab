"""`{% way_back as back %}`: the list an error page leads back to (backoffice/way_back.py)."""

from __future__ import annotations

from typing import Any

from django import template

from backoffice import way_back as ways

register = template.Library()


@register.simple_tag(takes_context=True)
def way_back(context: dict[str, Any]) -> ways.WayBack:
    request = context.get("request")
    path = request.path if request is not None else ""
    return ways.way_back(path, getattr(request, "staff", None))
