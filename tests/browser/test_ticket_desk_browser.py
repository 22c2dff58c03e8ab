"""The ticket desk in Chromium: carol answers her ticket, alice escalates and closes one.

These tests write, so the app talks to a private sandbox of each test (``own_gateway``).
Seeded tickets: ``t-00001`` carol's (OPEN, customer Nikolay Dimitrov), ``t-00005`` alice's
(OPEN), ``t-00003`` alice's with HTML/JS payloads in title, description, reply and note.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect

from sandbox.server import RunningSandbox
from tests.browser import helpers
from tests.browser.helpers import action_panel, signed_in_page, toast
from tests.e2e import support
from tests.e2e.support import gateway_call, png_bytes

pytestmark = pytest.mark.browser

own_sandbox = support.own_sandbox
own_gateway = helpers.own_gateway
backoffice = helpers.backoffice_on_own_gateway

FINSUPPORT = "/finsupport/1.0.0"
CAROLS = "t-00001"
ALICES = "t-00005"
PAYLOADS = "t-00003"
# rm-003 under "Missing documents", its {greeting} filled in for the customer (Nikolay).
CANNED_ID = "rm-003"
CANNED_TEXT = "Dear Nikolay, To continue we need a clear copy of your ID, front and back."


def _ticket(running: RunningSandbox, ticket_id: str) -> dict[str, Any]:
    response = gateway_call(running, "GET", f"{FINSUPPORT}/ticket/{ticket_id}", username="alice")
    assert response.status_code == 200, response.text
    return dict(response.json())


def _url(path: str) -> re.Pattern[str]:
    return re.compile(re.escape(path) + "$")


def test_carol_replies_with_a_canned_text_and_a_file_adds_a_note_and_moves_the_status(
    open_page: Callable[..., Any], own_gateway: RunningSandbox
) -> None:
    page = signed_in_page(open_page, "carol")
    ref = secrets.token_hex(4)
    picture = png_bytes()
    page.goto(f"/tickets/{CAROLS}/")
    expect(page.get_by_test_id("ticket-status")).to_have_text("Open")

    # A canned reply lands in the reply box; carol adds a line and a screenshot.
    reply_panel = page.locator("[data-composer-panel=reply]")
    reply_box = reply_panel.get_by_label("Reply to the customer")
    reply_panel.get_by_label("Canned reply").select_option(CANNED_ID)
    expect(reply_box).to_have_value(CANNED_TEXT)
    expect(reply_box).to_be_focused()
    reply_box.press_sequentially(f" Ref {ref}.")
    reply_panel.get_by_label("Attach files").set_input_files(
        files=[{"name": f"id-scan-{ref}.png", "mimeType": "image/png", "buffer": picture}]
    )
    reply_panel.get_by_role("button", name="Send reply").click()

    expect(page).to_have_url(_url(f"/tickets/{CAROLS}/"))
    expect(toast(page)).to_contain_text("Reply sent.")
    reply = page.locator(".thread .entry").filter(has_text=f"Ref {ref}.")
    expect(reply).to_have_count(1)
    expect(reply).to_have_class("entry entry-reply")
    expect(reply.locator(".prewrap")).to_have_text(f"{CANNED_TEXT} Ref {ref}.")
    expect(reply).to_contain_text("Carol Agent")
    link = reply.get_by_role("link", name=f"id-scan-{ref}.png")
    expect(link).to_be_visible()

    # The download, with the browser's cookies, is the very file that was attached.
    download = page.request.get(urljoin(page.url, str(link.get_attribute("href"))))
    assert download.status == 200
    assert download.body() == picture
    assert download.headers["content-type"] == "image/png"
    assert download.headers["content-disposition"].startswith("attachment")

    # An internal note, on the other tab.
    page.get_by_role("tab", name="Internal note").click()
    note_panel = page.locator("[data-composer-panel=note]")
    expect(note_panel).to_be_visible()
    expect(reply_panel).to_be_hidden()
    expect(note_panel.locator(".note-warning")).to_have_text(
        "Internal note — not visible to the customer"
    )
    note_panel.get_by_label("Internal note (not visible to the customer)").fill(
        f"Customer is anxious, call back tomorrow. {ref}"
    )
    note_panel.get_by_role("button", name="Add internal note").click()

    expect(toast(page)).to_contain_text("Internal note added.")
    note = page.locator(".thread .entry").filter(has_text=f"call back tomorrow. {ref}")
    expect(note).to_have_count(1)
    expect(note).to_have_class("entry entry-note")
    expect(note.locator(".note-label")).to_have_text("Internal note — not visible to the customer")
    tint = "node => getComputedStyle(node).backgroundColor"
    assert note.evaluate(tint) != page.locator(".entry-reply").first.evaluate(tint)

    # The status.
    panel = action_panel(page, "Change status")
    panel.get_by_label("New status").select_option(label="In progress")
    panel.locator("form").get_by_role("button", name="Change status").click()

    expect(toast(page)).to_contain_text("Status changed.")
    expect(page.get_by_test_id("ticket-status")).to_have_text("In progress")
    assert _ticket(own_gateway, CAROLS)["status"] == "IN_PROGRESS"
    assert page.problems == []


def test_alice_escalates_a_ticket_and_then_closes_it(
    open_page: Callable[..., Any], own_gateway: RunningSandbox
) -> None:
    page = signed_in_page(open_page, "alice")
    why_escalated = f"Third transfer lost this month {secrets.token_hex(3)}"
    why_closed = f"Funds returned by the receiving bank {secrets.token_hex(3)}"
    page.goto(f"/tickets/{ALICES}/")
    expect(page.get_by_test_id("escalated")).to_have_count(0)

    panel = action_panel(page, "Escalate")
    panel.get_by_label("Reason").fill(why_escalated)
    panel.locator("form").get_by_role("button", name="Escalate").click()

    expect(toast(page)).to_contain_text("Ticket escalated.")
    expect(page.get_by_test_id("escalated")).to_have_text("Escalated")
    expect(page.get_by_test_id("ticket-status")).to_have_text("Escalated")

    panel = action_panel(page, "Close ticket")
    panel.get_by_label("Reason").fill(why_closed)
    panel.locator("form").get_by_role("button", name="Close ticket").click()

    expect(toast(page)).to_contain_text("Ticket closed.")
    expect(page.get_by_test_id("ticket-status")).to_have_text("Closed")
    expect(page.get_by_test_id("escalated")).to_have_text("Escalated")  # stays escalated
    expect(page.locator("dl.facts dt", has_text="Closed")).to_have_count(1)
    ticket = _ticket(own_gateway, ALICES)
    assert (ticket["status"], ticket["escalated"]) == ("CLOSED", True)
    assert (ticket["escalationReason"], ticket["closeReason"]) == (why_escalated, why_closed)
    assert ticket["closedAt"]
    assert page.problems == []


def test_carol_only_reads_a_ticket_assigned_to_someone_else(
    open_page: Callable[..., Any], own_gateway: RunningSandbox
) -> None:
    page = signed_in_page(open_page, "carol")
    title = _ticket(own_gateway, PAYLOADS)["title"]

    page.goto(f"/tickets/{PAYLOADS}/")

    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".thread .entry").first).to_be_visible()
    expect(page.locator("#composer")).to_have_count(0)
    expect(page.get_by_role("button", name="Send reply")).to_have_count(0)
    expect(page.get_by_role("button", name="Add internal note")).to_have_count(0)
    expect(page.get_by_text("Close ticket")).to_have_count(0)
    expect(page.locator("details.action summary")).to_have_text(["Add follower"])
    assert page.locator("main img, main script, main svg").count() == 0
    assert page.evaluate("typeof htmx") == "object"  # the scripts did load and run
    assert page.problems == []  # no alert() dialog, console error or CSP violation
