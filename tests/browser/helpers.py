"""Steps the browser tests share."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.support import password_of


def sign_in(page: Any, username: str = "bob", *, lands_on: str = "/customers/") -> None:
    """Sign in through the form on the current page (opening /login/ if need be)."""
    if "/login/" not in page.url:
        page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password_of(username))
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(lands_on) + "$"))
