"""Browser fixtures: Debian's Chromium driven by Playwright against the live app and sandbox.

One browser per session, a fresh context (cookies, storage) per test. Console errors, page
errors, CSP violations and JavaScript dialogs are collected per page; a failing test leaves a
screenshot in ``test-artifacts/``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import sign_in
from tests.e2e import support

# The live app and sandbox fixtures, shared with the end-to-end tests.
sandbox_template = support.sandbox_template
sandbox_stopper = support.sandbox_stopper
sandbox = support.sandbox
backoffice = support.backoffice

# Playwright's sync API runs an event loop on this thread; Django refuses database access
# from a thread with a running loop unless told otherwise (the test database is flushed here).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
TIMEOUT_MS = 10_000

# Report CSP violations through the console, where the page's problem log picks them up.
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package (bin/ensure-chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class PageProblems(list[str]):
    """Console errors, uncaught exceptions, CSP violations and dialogs seen by one page."""

    def watch(self, page: Any) -> None:
        page.on("console", lambda message: self._console(message))
        page.on("pageerror", lambda error: self.append(f"page error: {error}"))
        page.on("dialog", lambda dialog: self._dialog(dialog))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.append(f"console error: {message.text} at {message.location.get('url')}")

    def _dialog(self, dialog: Any) -> None:
        self.append(f"dialog ({dialog.type}): {dialog.message}")
        dialog.dismiss()


@pytest.fixture
def open_page(
    chromium: Any, backoffice: str, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Any]]:
    """``open_page(java_script_enabled=True)``: a page in a new browser context."""
    contexts: list[Any] = []
    pages: list[Any] = []

    def _open(**context_options: Any) -> Any:
        context = chromium.new_context(base_url=backoffice, **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(CSP_REPORTER)
        contexts.append(context)
        page = context.new_page()
        page.problems = PageProblems()
        page.problems.watch(page)
        pages.append(page)
        return page

    yield _open
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        _save_screenshots(request, pages)
    for context in contexts:
        context.close()


def _save_screenshots(request: pytest.FixtureRequest, pages: list[Any]) -> None:
    folder = request.config.rootpath / "test-artifacts"
    folder.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
    for number, page in enumerate(pages):
        try:
            page.screenshot(path=str(folder / f"{name}-{number}.png"), full_page=True)
        except Exception as exc:  # the page may already be gone; the test's own error matters
            print(f"no screenshot of page {number}: {exc}")


@pytest.fixture
def page(open_page: Callable[..., Any]) -> Any:
    """A page with JavaScript, in a context of its own."""
    return open_page()


@pytest.fixture
def bob_page(page: Any) -> Any:
    """A page with bob signed in, showing the customer list."""
    sign_in(page, "bob")
    return page
