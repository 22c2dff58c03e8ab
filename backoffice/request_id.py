"""The id of the page request being served, shared by its log lines and its gateway calls."""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")

_ACCEPTABLE_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def new_request_id(incoming: str | None = None) -> str:
    """Keep a well-formed id from a proxy in front of us, else make one."""
    if incoming and _ACCEPTABLE_INCOMING_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True
