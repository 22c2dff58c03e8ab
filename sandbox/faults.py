"""Fault injection: latency, error answers, late answers and broken connections, per path prefix.

A rule with ``pathPrefix`` ``None`` is global; otherwise it applies to paths starting with the
prefix. ``methods`` (``None``: every method) narrows a rule to some methods, so reads can keep
working while writes fail; ``count`` (``None``: always) makes it apply to the next N requests
it is chosen for only, after which it is removed. For a request, the rule with the longest
matching prefix wins, and a rule naming its methods beats one for every method with the same
prefix. Control paths (``/_sandbox/...``) are never subject to faults.

What a chosen rule does depends on its ``mode`` (see :class:`FaultMode`).
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sandbox.http import bad_request, field_error

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class FaultMode(StrEnum):
    DELAY = "delay"
    """Sleep, then with probability ``errorRate`` answer ``statusCode`` without handling."""
    APPLY_THEN_DELAY = "applyThenDelay"
    """Handle (a write is stored), sleep, then send the answer, or with probability
    ``errorRate`` ``statusCode`` instead: the write stays applied either way."""
    DROP = "drop"
    """Handle (a write is stored), sleep, send the status line, the headers and part of the
    body, then close the connection."""
    DROP_BEFORE_APPLY = "dropBeforeApply"
    """Sleep, then close the connection without handling the request or answering."""


@dataclass(frozen=True)
class FaultRule:
    latency_ms: int = 0
    jitter_ms: int = 0
    error_rate: float = 0.0
    path_prefix: str | None = None
    status_code: int = 503
    mode: FaultMode = FaultMode.DELAY
    methods: frozenset[str] | None = None
    count: int | None = None

    @property
    def key(self) -> tuple[str | None, frozenset[str] | None]:
        """A rule replaces the one with the same prefix and methods."""
        return (self.path_prefix, self.methods)

    def matches(self, method: str, path: str) -> bool:
        if self.methods is not None and method not in self.methods:
            return False
        return self.path_prefix is None or path.startswith(self.path_prefix)

    def as_json(self, remaining: int | None = None) -> dict[str, Any]:
        return {
            "latencyMs": self.latency_ms,
            "jitterMs": self.jitter_ms,
            "errorRate": self.error_rate,
            "pathPrefix": self.path_prefix,
            "statusCode": self.status_code,
            "mode": str(self.mode),
            "methods": sorted(self.methods) if self.methods is not None else None,
            "count": remaining if remaining is not None else self.count,
        }

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> FaultRule:
        errors = []
        latency = body.get("latencyMs", 0)
        jitter = body.get("jitterMs", 0)
        rate = body.get("errorRate", 0.0)
        prefix = body.get("pathPrefix")
        status = body.get("statusCode", 503)
        mode = body.get("mode") or FaultMode.DELAY.value
        methods = body.get("methods")
        count = body.get("count")
        if not _is_int(latency) or latency < 0:
            errors.append(field_error("latencyMs", "must be an integer >= 0"))
        if not _is_int(jitter) or jitter < 0:
            errors.append(field_error("jitterMs", "must be an integer >= 0"))
        if not isinstance(rate, int | float) or isinstance(rate, bool) or not 0 <= rate <= 1:
            errors.append(field_error("errorRate", "must be a number between 0 and 1"))
        if prefix is not None and (not isinstance(prefix, str) or not prefix.startswith("/")):
            errors.append(field_error("pathPrefix", "must be null or a path starting with /"))
        if not _is_int(status) or not 400 <= status <= 599:
            errors.append(field_error("statusCode", "must be an integer between 400 and 599"))
        if mode not in {m.value for m in FaultMode}:
            allowed = ", ".join(m.value for m in FaultMode)
            errors.append(field_error("mode", f"must be one of {allowed}"))
        if methods is not None and (
            not isinstance(methods, list)
            or not methods
            or not all(isinstance(m, str) and m.upper() in HTTP_METHODS for m in methods)
        ):
            errors.append(field_error("methods", "must be null or a list of HTTP methods"))
        if count is not None and (not _is_int(count) or count < 1):
            errors.append(field_error("count", "must be null or an integer >= 1"))
        if errors:
            raise bad_request(errors)
        return cls(
            latency_ms=latency,
            jitter_ms=jitter,
            error_rate=float(rate),
            path_prefix=prefix or None,
            status_code=status,
            mode=FaultMode(mode),
            methods=frozenset(m.upper() for m in methods) if methods is not None else None,
            count=count,
        )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class FaultInjector:
    def __init__(self, initial: FaultRule | None = None) -> None:
        self._lock = threading.Lock()
        self._rules: dict[tuple[str | None, frozenset[str] | None], FaultRule] = {}
        self._remaining: dict[tuple[str | None, frozenset[str] | None], int] = {}
        self._random = random.Random()
        if initial is not None:
            self.put(initial)

    def put(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules[rule.key] = rule
            self._remaining.pop(rule.key, None)
            if rule.count is not None:
                self._remaining[rule.key] = rule.count

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self._remaining.clear()

    def as_json(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.as_json(self._remaining.get(key)) for key, rule in self._rules.items()]

    def take(self, method: str, path: str) -> FaultRule | None:
        """The rule for this request, if any; a rule with a ``count`` uses up one of them."""
        method = method.upper()
        with self._lock:
            candidates = [rule for rule in self._rules.values() if rule.matches(method, path)]
            if not candidates:
                return None
            rule = max(
                candidates,
                key=lambda rule: (len(rule.path_prefix or ""), rule.methods is not None),
            )
            if rule.key in self._remaining:
                self._remaining[rule.key] -= 1
                if self._remaining[rule.key] <= 0:
                    del self._remaining[rule.key]
                    del self._rules[rule.key]
            return rule

    def wait(self, rule: FaultRule) -> None:
        """Sleep ``latencyMs`` plus a random ``0..jitterMs``."""
        delay_ms: float = rule.latency_ms
        if rule.jitter_ms:
            delay_ms += self._random.uniform(0, rule.jitter_ms)
        if delay_ms > 0:
            time.sleep(delay_ms / 1000)

    def fails(self, rule: FaultRule) -> bool:
        """Whether this request answers ``statusCode`` (probability ``errorRate``)."""
        return rule.error_rate > 0 and self._random.random() < rule.error_rate
