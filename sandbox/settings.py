"""Sandbox configuration: keyword arguments first, then ``SANDBOX_*`` environment variables."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

DEFAULT_DB_PATH = "var/sandbox.sqlite3"

_Number = TypeVar("_Number", int, float)


@dataclass(frozen=True)
class Settings:
    db_path: str = DEFAULT_DB_PATH
    token_ttl: int = 3600
    refresh_ttl: int = 86400
    latency_ms: int = 0
    jitter_ms: int = 0
    error_rate: float = 0.0
    fault_prefix: str | None = None
    seed: bool = True

    @classmethod
    def load(
        cls,
        db_path: str | None = None,
        *,
        token_ttl: int | None = None,
        refresh_ttl: int | None = None,
        latency_ms: int | None = None,
        jitter_ms: int | None = None,
        error_rate: float | None = None,
        fault_prefix: str | None = None,
        seed: bool = True,
    ) -> Settings:
        """Build settings; an argument left as ``None`` falls back to its environment variable."""
        env = os.environ
        return cls(
            db_path=db_path or env.get("SANDBOX_DB") or DEFAULT_DB_PATH,
            token_ttl=_pick(token_ttl, env.get("SANDBOX_TOKEN_TTL"), 3600, int),
            refresh_ttl=_pick(refresh_ttl, env.get("SANDBOX_REFRESH_TTL"), 86400, int),
            latency_ms=_pick(latency_ms, env.get("SANDBOX_LATENCY_MS"), 0, int),
            jitter_ms=_pick(jitter_ms, env.get("SANDBOX_JITTER_MS"), 0, int),
            error_rate=_pick(error_rate, env.get("SANDBOX_ERROR_RATE"), 0.0, float),
            fault_prefix=fault_prefix or env.get("SANDBOX_FAULT_PREFIX") or None,
            seed=seed,
        )


def _pick(
    explicit: _Number | None,
    from_env: str | None,
    default: _Number,
    convert: Callable[[str | _Number], _Number],
) -> _Number:
    if explicit is not None:
        return convert(explicit)
    if from_env not in (None, ""):
        return convert(from_env)
    return default
