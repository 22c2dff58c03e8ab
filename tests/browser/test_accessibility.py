"""Every main screen passes axe's automated rules at the serious and critical levels."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

BLOCKING_IMPACTS = {"serious", "critical"}


def blocking_violations(page: Any) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} elements)"
        for violation in results.response["violations"]
        if violation.get("impact") in BLOCKING_IMPACTS
    ]


def test_the_sign_in_page_is_accessible(page: Any) -> None:
    page.goto("/login/")
    assert blocking_violations(page) == []


@pytest.mark.parametrize(
    "path",
    [
        "/customers/?status=dispute",
        "/customers/c-00101/",
        "/tickets/?view=all",
        "/tickets/t-00001/",
        "/approvals/",
        "/audit/",
        "/tickets/report/",
        "/tickets/replies/",
    ],
)
def test_each_main_screen_is_accessible(page: Any, path: str) -> None:
    sign_in(page, "alice")
    page.goto(path)
    assert blocking_violations(page) == []
