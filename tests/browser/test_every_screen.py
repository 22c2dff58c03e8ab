"""Every main screen on a desktop and on a phone, in the light and the dark theme: nothing
scrolls sideways, the header stays small on a phone, and axe finds nothing serious.

Each test signs in once and walks every screen in one browser context, to stay fast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = {"serious", "critical"}

MAIN_SCREENS = [
    "/customers/?status=dispute",
    "/customers/c-00101/",
    "/tickets/?view=all",
    "/tickets/t-00001/",
    "/approvals/",
    "/audit/",
    "/tickets/report/",
    "/tickets/replies/",
    "/preferences/",
]


def blocking_violations(page: Any) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']} "
        f"({[node['target'] for node in violation['nodes']][:3]})"
        for violation in results.response["violations"]
        if violation.get("impact") in BLOCKING_IMPACTS
    ]


def sideways_overflow(page: Any) -> int:
    """How many pixels the page is wider than the window (0: nothing scrolls sideways)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def widest_elements(page: Any) -> list[str]:
    """The elements reaching past the window's right edge, to say what overflows."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
                .slice(0, 5)
                .map((e) => `${e.tagName}.${e.className} ${e.getBoundingClientRect().right}`)"""
        )
    )


def walk(page: Any, check: Callable[[Any, str], list[str]]) -> list[str]:
    """Sign-in screen first, then every main screen as alice; the problems each check found."""
    problems: list[str] = []
    page.goto("/login/")
    problems += check(page, "/login/")
    sign_in(page, "alice")
    for path in MAIN_SCREENS:
        page.goto(path)
        problems += check(page, path)
    return problems


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_screen_scrolls_sideways(
    open_page: Callable[..., Any], viewport: dict[str, int]
) -> None:
    page = open_page(viewport=viewport)

    def check(page: Any, path: str) -> list[str]:
        overflow = sideways_overflow(page)
        return [f"{path} is {overflow}px too wide: {widest_elements(page)}"] if overflow > 0 else []

    assert walk(page, check) == []
    assert page.problems == []


def test_the_header_takes_at_most_a_fifth_of_a_phone_screen(open_page: Callable[..., Any]) -> None:
    page = open_page(viewport=PHONE)
    sign_in(page, "alice")
    for path in ("/customers/", "/tickets/t-00001/"):
        page.goto(path)
        height = page.locator("header.topbar").bounding_box()["height"]
        assert height <= PHONE["height"] / 5, f"{path}: header {height}px"


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_any_screen(
    open_page: Callable[..., Any], color_scheme: str
) -> None:
    page = open_page(viewport=DESKTOP, color_scheme=color_scheme)

    def check(page: Any, path: str) -> list[str]:
        return [f"{path}: {violation}" for violation in blocking_violations(page)]

    assert walk(page, check) == []


def test_the_dark_theme_declares_its_colour_scheme(open_page: Callable[..., Any]) -> None:
    page = open_page(color_scheme="dark")
    page.goto("/login/")
    scheme = page.evaluate("getComputedStyle(document.documentElement).colorScheme")
    assert scheme == "light dark"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(13, 17, 23)"
