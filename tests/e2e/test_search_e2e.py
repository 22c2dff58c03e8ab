"""Search end to end: the index filled from the live sandbox, then searched over HTTP."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command

from sandbox.server import RunningSandbox
from tests.e2e.support import StaffClient, raw_customer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A seeded customer (docs/gateway.md's seed); checked against the sandbox before relying on it.
ISLA_WILSON = "c-00072"


def test_a_synced_index_finds_a_misspelled_name_and_opens_the_live_record(
    bob: StaffClient, sandbox: RunningSandbox, settings: Any
) -> None:
    assert raw_customer(sandbox, ISLA_WILSON)["customerName"] == "Isla Wilson"
    settings.SEARCH_SYNC_USERNAME = ""  # the sandbox's own default account, as make demo uses
    out = io.StringIO()

    call_command("sync_search", stdout=out)

    assert "customers: page 11 of 11 · 2,200 of 2,200" in out.getvalue()
    assert "tickets: 420 indexed" in out.getvalue()
    page = bob.get("/search/", params={"q": "Isla Wilsen"})
    assert page.status_code == 200
    assert f'href="/customers/{ISLA_WILSON}/"' in page.text
    assert re.search(r"Search index updated 0\xa0minutes ago", page.text)
    live = bob.htmx_get("/search/?q=Isla+Wilsen")
    assert f'href="/customers/{ISLA_WILSON}/"' in live.text
    assert "<html" not in live.text

    record = bob.get(f"/customers/{ISLA_WILSON}/")
    assert record.status_code == 200
    assert "Isla Wilson" in record.text


def test_the_native_script_and_a_ticket_title_are_found_after_a_sync(
    bob: StaffClient, sandbox: RunningSandbox, settings: Any
) -> None:
    settings.SEARCH_SYNC_USERNAME = ""
    call_command("sync_search", stdout=io.StringIO())

    page = bob.get("/search/", params={"q": "Георги"})
    assert re.search(r'<span class="native" lang="bg">Георги [^<]+</span>', page.text)
    tickets = bob.get("/search/", params={"q": "SEPA transfer"})
    assert 'href="/tickets/t-' in tickets.text
