"""Steps the browser tests share."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from sandbox.server import RunningSandbox
from tests.e2e.support import password_of, point_backoffice_at

# Where each role lands when no changes await a decision (backoffice/landing.py).
USUAL_LANDING = {"carol": "/tickets/?view=mine"}


def sign_in(page: Any, username: str = "bob", *, lands_on: str | None = "") -> None:
    """Sign in through the form on the current page (opening /login/ if need be). ``lands_on``
    "": the role's usual page; None: wherever the role lands (approvals may be waiting)."""
    if lands_on == "":
        lands_on = USUAL_LANDING.get(username, "/customers/")
    if "/login/" not in page.url:
        page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password_of(username))
    page.get_by_role("button", name="Sign in").click()
    if lands_on is None:
        expect(page).not_to_have_url(re.compile("/login/"))
    else:
        expect(page).to_have_url(re.compile(re.escape(lands_on) + "$"))
    # The URL changes when the landing page starts to arrive; its deferred scripts (keyboard
    # shortcuts, search box) listen only once it has loaded.
    page.wait_for_load_state("load")


# ---- tests that write: the app on a private sandbox ------------------------------------------
# A module whose tests write takes these three over, so its pages never touch the shared sandbox:
#     own_sandbox = support.own_sandbox
#     own_gateway = helpers.own_gateway
#     backoffice = helpers.backoffice_on_own_gateway


@pytest.fixture
def own_gateway(own_sandbox: Callable[..., RunningSandbox]) -> RunningSandbox:
    """This test's private sandbox (read back what the app wrote with ``gateway_call``)."""
    return own_sandbox()


@pytest.fixture(name="backoffice")
def backoffice_on_own_gateway(live_server: Any, settings: Any, own_gateway: RunningSandbox) -> str:
    """The live app's URL, talking to ``own_gateway`` instead of the shared sandbox."""
    point_backoffice_at(settings, own_gateway)
    return str(live_server.url)


def signed_in_page(open_page: Callable[..., Any], username: str, **context_options: Any) -> Any:
    """A page in a new browser context (its own cookies), signed in as ``username``."""
    page = open_page(**context_options)
    sign_in(page, username, lands_on=None)
    return page


def action_panel(page: Any, summary: str) -> Any:
    """The ``<details>`` action panel with this summary, opened."""
    panel = page.locator("details.action").filter(
        has=page.locator("summary").get_by_text(summary, exact=True)
    )
    expect(panel).to_have_count(1)
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    expect(panel).to_have_attribute("open", "")
    return panel


def toast(page: Any) -> Any:
    """The toasts (Django messages) of the current page; they fade after about 4 s."""
    return page.locator(".toasts")


def csrf_token_of(page: Any) -> str:
    """The CSRF token of the current page's forms (for a direct ``page.request`` POST)."""
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    assert token, "no CSRF token on the page"
    return str(token)
