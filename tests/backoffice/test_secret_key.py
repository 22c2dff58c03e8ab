"""A real gateway is never served with a guessable SECRET_KEY: the app refuses to start."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from backoffice.secret_key import weakness

ROOT = Path(__file__).resolve().parents[2]
REAL_GATEWAY = "https://gateway.finhub.cloud"


def example_secret_key() -> str:
    found = re.search(r"^SECRET_KEY=(.*)$", (ROOT / ".env.example").read_text(), re.M)
    assert found, ".env.example shows a SECRET_KEY"
    return found.group(1).strip()


def start(**environment: str) -> subprocess.CompletedProcess[str]:
    """Load the settings and set Django up in a fresh process, as the server would."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "GATEWAY_URL")}
    env.update(environment, DJANGO_SETTINGS_MODULE="backoffice.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("", id="sandbox-default"),
        pytest.param(example_secret_key(), id="env-example"),
        pytest.param("changeme", id="changeme"),
        pytest.param(secrets.token_urlsafe(30), id="short-random"),
    ],
)
def test_a_placeholder_or_weak_key_is_refused_at_start_against_a_real_gateway(key: str) -> None:
    environment = {"GATEWAY_URL": REAL_GATEWAY}
    if key:
        environment["SECRET_KEY"] = key
    started = start(**environment)
    assert started.returncode != 0
    assert "started" not in started.stdout
    assert "ImproperlyConfigured: Set SECRET_KEY to a long random value: " in started.stderr


def test_a_long_random_key_starts_against_a_real_gateway() -> None:
    started = start(GATEWAY_URL=REAL_GATEWAY, SECRET_KEY=secrets.token_urlsafe(50))
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "started"


def test_the_local_sandbox_starts_with_the_example_key() -> None:
    started = start(SECRET_KEY=example_secret_key())
    assert started.returncode == 0, started.stderr


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("change-me-to-a-long-random-string", "it is shorter than 50 characters"),
        ("changeme", "it is shorter than 50 characters"),
        ("secret", "it is shorter than 50 characters"),
        ("ab" * 40, "it has fewer than 5 different characters"),
        (
            "change-me-" + secrets.token_urlsafe(48),
            'it contains "change-me", so it is a placeholder',
        ),
        ("x" + "SECRET" + secrets.token_hex(30), 'it contains "secret", so it is a placeholder'),
        (
            "django-insecure-" + secrets.token_hex(30),
            'it contains "insecure", so it is a placeholder',
        ),
        (secrets.token_urlsafe(50), ""),
    ],
)
def test_it_says_why_a_key_is_weak(key: str, reason: str) -> None:
    assert weakness(key) == reason
