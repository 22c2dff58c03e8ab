"""Breaking the client's connection on purpose, for the ``drop`` fault modes.

WSGI has no way to close a connection, so the application leaves a note in the environ and the
sandbox's own waitress task (``sandbox.server``) acts on it at the socket: it sends nothing at
all, or only part of the answer, and then closes the connection. Under any other WSGI server the
same answers are only approximated (a truncated body under a full ``Content-Length``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

DROP_KEY = "sandbox.drop"
SUPPORTED_KEY = "sandbox.drops_supported"


class Drop(StrEnum):
    BEFORE_ANSWER = "beforeAnswer"
    """Close the connection without sending a byte."""
    MID_ANSWER = "midAnswer"
    """Send the status line, the headers and part of the body, then close."""


def drop_without_answer(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    environ[DROP_KEY] = Drop.BEFORE_ANSWER
    # The sandbox's server sends none of this; elsewhere, a promised body that never comes.
    promised = "0" if environ.get(SUPPORTED_KEY) else "1"
    start_response("503 Service Unavailable", [("Content-Length", promised)])
    return []


def cut_answer(environ: dict[str, Any], answer: list[bytes]) -> list[bytes]:
    """The first half of ``answer``'s body; the connection closes after it."""
    environ[DROP_KEY] = Drop.MID_ANSWER
    body = b"".join(answer)
    return [body[: len(body) // 2]]
