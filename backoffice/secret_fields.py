"""Which gateway fields are secret: never rendered, logged, cached or kept in an audit record."""

from __future__ import annotations

from typing import Any

REDACTED = "[redacted]"
SECRET_FIELD_NAMES = frozenset(
    {
        "pincode",
        "password",
        "answer",
        "targetcode",
        "inputcode",
        "access_token",
        "refresh_token",
        "refreshtoken",
        "token",
        "usersessiontoken",
    }
)


def is_secret_field(name: object) -> bool:
    """True for a secret's name, bare (`pinCode`) or as a dotted path (`person.pinCode`)."""
    last = str(name).rsplit(".", 1)[-1].split("[", 1)[0]
    return last.lower() in SECRET_FIELD_NAMES


def redact(value: Any) -> Any:
    """A copy of `value` with every secret field's value replaced, at any depth."""
    if isinstance(value, dict):
        return {
            key: REDACTED if is_secret_field(key) else redact(item) for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value
