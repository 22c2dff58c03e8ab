"""`{{ user_id|staff_name:names }}`: a person's name for a gateway user id, or the id itself."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def staff_name(user_id: str, names: dict[str, str] | None) -> str:
    if not user_id:
        return ""
    return (names or {}).get(user_id, user_id)
