"""Reading loosely typed gateway JSON: each helper gives a safe value for anything unexpected."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime


def as_text(value: Any) -> str:
    return "" if value is None else str(value)


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def as_moment(value: Any) -> datetime | None:
    """An aware datetime from an ISO date or datetime; None for anything else, bad dates too."""
    if not value or not isinstance(value, str):
        return None
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is None:
                return None
            moment = datetime(day.year, day.month, day.day)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


class PageNumbers:
    """Where a page of a gateway list sits; mixed into each list's page dataclass."""

    total: int
    page: int
    page_size: int
    pages: int

    @property
    def item_count(self) -> int:
        raise NotImplementedError

    @property
    def first_index(self) -> int:
        return 0 if not self.item_count else (self.page - 1) * self.page_size + 1

    @property
    def last_index(self) -> int:
        return 0 if not self.item_count else self.first_index + self.item_count - 1

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_numbers(pagination: Any, *, item_count: int, page_size: int) -> dict[str, int]:
    """total, page and pages from the gateway's `{numberOfPage, totalSize, currentPage}`."""
    pagination = as_dict(pagination)
    total = max(as_int(pagination.get("totalSize"), item_count), item_count)
    pages = as_int(pagination.get("numberOfPage"), 0) or max(1, math.ceil(total / page_size))
    return {
        "total": total,
        "page": max(as_int(pagination.get("currentPage"), 1), 1),
        "pages": max(pages, 1),
    }
