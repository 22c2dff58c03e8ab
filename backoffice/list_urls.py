"""Every list state is a URL: the canonical query string for one, with defaults left out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode


def canonical_query(values: Mapping[str, Any], defaults: Mapping[str, Any]) -> str:
    """Empty values and defaults are dropped, so URLs stay short; lists repeat their key."""
    return urlencode(
        {
            key: value
            for key, value in values.items()
            if value not in ("", None, []) and value != defaults.get(key)
        },
        doseq=True,
    )
