"""Screenshots of the main screens for the README (docs/screenshots/), desktop and phone,
light and dark. Only with SCREENSHOTS=1, so the normal test run stays fast:

    SCREENSHOTS=1 .venv/bin/pytest tests/browser/test_screenshots.py
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.environ.get("SCREENSHOTS"), reason="set SCREENSHOTS=1"),
]

FOLDER = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# (file name, who, path, viewport, colour scheme)
SHOTS = [
    ("customers", "bob", "/customers/?status=dispute", DESKTOP, "light"),
    ("customer", "bob", "/customers/c-00101/", DESKTOP, "light"),
    ("tickets", "carol", "/tickets/?view=assigned", DESKTOP, "light"),
    ("ticket", "carol", "/tickets/t-00001/", DESKTOP, "light"),
    ("report", "alice", "/tickets/report/", DESKTOP, "light"),
    ("audit", "alice", "/audit/", DESKTOP, "light"),
    ("customers-dark", "bob", "/customers/", DESKTOP, "dark"),
    ("ticket-dark", "carol", "/tickets/t-00001/", DESKTOP, "dark"),
    ("customers-phone", "bob", "/customers/?status=under_verificaiton", PHONE, "light"),
    ("customer-phone", "bob", "/customers/c-00101/", PHONE, "light"),
    ("ticket-phone-dark", "carol", "/tickets/t-00001/", PHONE, "dark"),
]


def test_the_main_screens_are_photographed(open_page: Callable[..., Any]) -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    pages: dict[tuple[str, str, str], Any] = {}
    for name, who, path, viewport, scheme in SHOTS:
        key = (who, str(viewport), scheme)
        if key not in pages:
            pages[key] = open_page(viewport=viewport, color_scheme=scheme)
            sign_in(pages[key], who, lands_on=None)
        page = pages[key]
        page.goto(path)
        page.wait_for_load_state("networkidle")
        target = FOLDER / f"{name}.png"
        page.screenshot(path=str(target))
        assert target.stat().st_size > 5_000, f"{name}.png looks empty"
