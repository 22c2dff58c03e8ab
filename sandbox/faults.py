"""Fault injection: added latency, jitter and random error answers, per path prefix.

A rule with ``pathPrefix`` ``None`` is global; otherwise it applies to paths starting with the
prefix. For a given path the rule with the longest matching prefix wins (the global rule is the
fallback). Control paths (``/_sandbox/...``) are never subject to faults.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import Any

from sandbox.http import bad_request, field_error


@dataclass(frozen=True)
class FaultRule:
    latency_ms: int = 0
    jitter_ms: int = 0
    error_rate: float = 0.0
    path_prefix: str | None = None
    status_code: int = 503

    def as_json(self) -> dict[str, Any]:
        return {
            "latencyMs": self.latency_ms,
            "jitterMs": self.jitter_ms,
            "errorRate": self.error_rate,
            "pathPrefix": self.path_prefix,
            "statusCode": self.status_code,
        }

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> FaultRule:
        errors = []
        latency = body.get("latencyMs", 0)
        jitter = body.get("jitterMs", 0)
        rate = body.get("errorRate", 0.0)
        prefix = body.get("pathPrefix")
        status = body.get("statusCode", 503)
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
        if errors:
            raise bad_request(errors)
        return cls(latency, jitter, float(rate), prefix or None, status)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class FaultInjector:
    def __init__(self, initial: FaultRule | None = None) -> None:
        self._lock = threading.Lock()
        self._rules: dict[str | None, FaultRule] = {}
        self._random = random.Random()
        if initial is not None:
            self.put(initial)

    def put(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules[rule.path_prefix] = rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules.values())

    def rule_for(self, path: str) -> FaultRule | None:
        with self._lock:
            candidates = [
                rule
                for prefix, rule in self._rules.items()
                if prefix is None or path.startswith(prefix)
            ]
        if not candidates:
            return None
        return max(candidates, key=lambda rule: len(rule.path_prefix or ""))

    def apply(self, path: str) -> int | None:
        """Sleep as the matching rule says; return an error status to answer with, if any."""
        rule = self.rule_for(path)
        if rule is None:
            return None
        delay_ms: float = rule.latency_ms
        if rule.jitter_ms:
            delay_ms += self._random.uniform(0, rule.jitter_ms)
        if delay_ms > 0:
            time.sleep(delay_ms / 1000)
        if rule.error_rate > 0 and self._random.random() < rule.error_rate:
            return rule.status_code
        return None
