"""Customer data never stays in the browser's storage: htmx keeps no page snapshots."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_paging_leaves_no_page_snapshot_in_browser_storage_and_back_still_works(
    bob_page: Any,
) -> None:
    page = bob_page
    page.goto("/customers/?status=dispute")
    first_row = page.locator("table.data tbody tr").first.inner_text()
    page.get_by_role("link", name="Next →").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    stored = page.evaluate(
        "() => [sessionStorage.getItem('htmx-history-cache'),"
        " localStorage.getItem('htmx-history-cache')]"
    )
    assert stored == [None, None]
    page.go_back()
    expect(page.locator("table.data tbody tr").first).to_have_text(first_row)
