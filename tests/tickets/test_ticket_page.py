"""The ticket page: its reads, header and customer, the thread, and what each role is offered."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import responses
from django.test import Client

from tests.conftest import TENANT
from tests.tickets.factories import (
    CUSTOMERS,
    ENUM_URLS,
    FINSUPPORT,
    REPLY_MESSAGES,
    REPLY_TITLES,
    STAFF_USERS,
    TICKET_ID,
    TOKENS,
    action_urls,
    called,
    file_json,
    html,
    note_json,
    register_ticket_page,
    reply_json,
    textarea,
    thread_entries,
    ticket_json,
    ticket_url,
)

PAGE = f"/tickets/{TICKET_ID}/"
ASSIGNEE_ACTIONS = {"status", "escalate", "start_date", "edit", "follow"}
ADMIN_ONLY_ACTIONS = {"close", "complete", "assign"}


@pytest.fixture
def carol(sign_in: Callable[..., Client]) -> Client:
    return sign_in("carol")


def the_thread() -> dict[str, Any]:
    """Two replies and a note between them; a file on each, and one on the ticket itself."""
    return {
        "replies": [
            reply_json(
                "r-00001",
                "2026-11-02T09:00:00.000Z",
                authorId="c-00042",
                authorRole="CUSTOMER",
                message="My card payment failed.",
                fileIds=["f-00002"],
            ),
            reply_json(
                "r-00002", "2026-11-03T14:00:00.000Z", message="We are checking with the bank."
            ),
        ],
        "notes": [
            note_json(
                "n-00001",
                "2026-11-03T10:30:00.000Z",
                authorId="u-alice",
                authorRole="ADMIN",
                note="Looks like a 3DS timeout.",
                fileIds=["f-00003"],
            )
        ],
        "files": [
            file_json("f-00001", "statement.pdf", size=4096),
            file_json(
                "f-00002",
                "declined.png",
                contentType="image/png",
                uploadedBy="c-00042",
                replyId="r-00001",
            ),
            file_json("f-00003", "3ds-log.txt", contentType="text/plain", noteId="n-00001"),
        ],
    }


# The reads


def test_it_makes_every_read_the_page_needs_with_the_callers_token(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    response = carol.get(PAGE)
    assert response.status_code == 200
    expected = [
        ticket_url(),
        ticket_url(suffix="/replies"),
        ticket_url(suffix="/notes"),
        f"{FINSUPPORT}/files/ticket/{TICKET_ID}",
        STAFF_USERS,
        f"{CUSTOMERS}/c-00042",
        *ENUM_URLS,
        REPLY_TITLES,
        REPLY_MESSAGES,
    ]
    assert sorted(str(call.request.url) for call in gateway.calls) == sorted(expected)
    for call in gateway.calls:
        assert call.request.method == "GET"
        assert call.request.headers["Authorization"] == f"Bearer {TOKENS['carol']}"
        assert call.request.headers["tenantId"] == TENANT
        assert call.request.headers["X-Request-ID"] == response["X-Request-ID"]


def test_a_second_visit_reads_the_enums_and_the_staff_directory_from_the_cache(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    carol.get(PAGE)
    carol.get(PAGE)
    for url in [*ENUM_URLS, STAFF_USERS]:
        assert len(called(gateway, "GET", url)) == 1, url
    assert len(called(gateway, "GET", ticket_url())) == 2


def test_an_unknown_ticket_is_our_not_found_page(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    missing = {"status": 404, "error": "Not Found", "message": "Ticket t-00999 not found"}
    register_ticket_page(gateway)
    for suffix in ("", "/replies", "/notes"):
        gateway.get(ticket_url("t-00999", suffix), status=404, json=missing)
    gateway.get(f"{FINSUPPORT}/files/ticket/t-00999", status=404, json=missing)
    response = carol.get("/tickets/t-00999/")
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in html(response)
    assert "Ticket t-00999 not found" in html(response)


# Header and customer


def test_it_shows_the_ticket_facts(carol: Client, gateway: responses.RequestsMock) -> None:
    register_ticket_page(gateway, ticket=ticket_json(followers=["u-bob", "u-erin"]))
    page = html(carol.get(PAGE))
    assert "<h1>Card payment declined twice</h1>" in page
    assert '<span class="badge tone-info" data-testid="ticket-status">Open</span>' in page
    assert '<span class="badge tone-warning">High priority</span>' in page
    assert '<span class="chip">Payments</span>' in page
    assert 'data-testid="escalated"' not in page
    assert "<dt>Assignee</dt><dd>Carol Agent</dd>" in page
    assert "<dt>Followers</dt><dd>Bob Compliance, Erin Compliance</dd>" in page
    assert "<dt>Start date</dt><dd>2026-11-03</dd>" in page
    assert "Customer says the payment to Lidl failed twice on 2026-11-02." in page


def test_it_marks_an_escalated_unassigned_ticket(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(
        gateway,
        ticket=ticket_json(
            status="ESCALATED", escalated=True, assigneeId=None, followers=[], startDate=None
        ),
    )
    page = html(carol.get(PAGE))
    assert '<span class="badge tone-orange" data-testid="ticket-status">Escalated</span>' in page
    assert '<span class="badge tone-orange" data-testid="escalated">Escalated</span>' in page
    assert "<dt>Assignee</dt><dd>Unassigned</dd>" in page
    assert "<dt>Followers</dt><dd>—</dd>" in page
    assert "<dt>Start date</dt><dd>—</dd>" in page


def test_it_shows_the_customer_with_status_kyc_and_pep_linking_to_the_customer_page(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    page = html(carol.get(PAGE))
    customer = re.search(r'(?s)<section aria-labelledby="h-customer".*?</section>', page)
    assert customer is not None
    assert '<a href="/customers/c-00042/">Ivan Petrov</a>' in customer.group(0)
    assert '<span class="badge tone-teal">Under verification</span>' in customer.group(0)
    assert '<span class="badge tone-success">KYC: Confirmed</span>' in customer.group(0)
    assert '<span class="badge tone-danger">PEP: Match</span>' in customer.group(0)
    for secret in ("PIN-1234", "pw-never-shown", "secret-answer-rex", "2FA-123456"):
        assert secret not in page


def test_a_customer_the_gateway_does_not_know_leaves_the_id(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.replace(
        responses.GET, f"{CUSTOMERS}/c-00042", status=404, json={"status": 404, "message": "no"}
    )
    response = carol.get(PAGE)
    assert response.status_code == 200
    assert "Customer details unavailable." in html(response)
    assert '<a href="/customers/c-00042/">' not in html(response)


# The thread


def test_the_thread_mixes_replies_and_notes_in_time_order(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway, **the_thread())
    entries = thread_entries(html(carol.get(PAGE)))
    assert [(kind, testid) for kind, testid, _ in entries] == [
        ("entry-reply", "reply-r-00001"),
        ("entry-note", "note-n-00001"),
        ("entry-reply", "reply-r-00002"),
    ]
    first, note, last = (text for _, _, text in entries)
    assert "My card payment failed." in first
    assert "<strong>c-00042</strong>" in first  # a customer's id: no staff name
    assert "Looks like a 3DS timeout." in note
    assert "<strong>Alice Admin</strong>" in note
    assert "<strong>Carol Agent</strong>" in last


def test_notes_are_labelled_internal_and_replies_are_not(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway, **the_thread())
    entries = thread_entries(html(carol.get(PAGE)))
    for kind, _, text in entries:
        labelled = "Internal note — not visible to the customer" in text
        assert labelled == (kind == "entry-note")


def test_attachments_are_listed_under_their_reply_note_or_ticket(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway, **the_thread())
    page = html(carol.get(PAGE))
    first, note, last = (text for _, _, text in thread_entries(page))
    assert '<a href="/tickets/files/f-00002/">declined.png</a>' in first
    assert '<a href="/tickets/files/f-00003/">3ds-log.txt</a>' in note
    assert "/tickets/files/" not in last
    description = re.search(r'(?s)<section aria-labelledby="h-description".*?</section>', page)
    assert description is not None
    assert '<a href="/tickets/files/f-00001/">statement.pdf</a>' in description.group(0)
    assert "4.0\xa0KB" in description.group(0)
    assert page.count("/tickets/files/f-0000") == 3


def test_an_empty_thread_says_so(carol: Client, gateway: responses.RequestsMock) -> None:
    register_ticket_page(gateway)
    assert "No replies or notes yet." in html(carol.get(PAGE))


def test_markup_in_a_reply_a_note_a_title_and_a_file_name_is_escaped(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(
        gateway,
        ticket=ticket_json(title="<script>alert(1)</script>"),
        replies=[
            reply_json("r-00009", "2026-11-02T09:00:00Z", message='"><img src=x onerror=alert(1)>')
        ],
        notes=[note_json("n-00004", "2026-11-02T10:00:00Z", note="<b>bold</b>")],
        files=[file_json("f-00008", "<img src=x onerror=alert(2)>.txt", replyId="r-00009")],
    )
    page = html(carol.get(PAGE))
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in page
    assert "&lt;img src=x onerror=alert(2)&gt;.txt" in page
    assert "<img src=x" not in page
    assert "<b>bold</b>" not in page
    assert "<script>alert(1)" not in page


def test_a_thread_read_that_fails_is_a_banner_and_the_rest_is_shown(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway, **the_thread())
    gateway.replace(responses.GET, ticket_url(suffix="/notes"), status=500, json={"status": 500})
    response = carol.get(PAGE)
    page = html(response)
    assert response.status_code == 200
    assert "Part of this page could not be loaded (notes)" in page
    assert f"Request id {response['X-Request-ID']}" in page
    assert [testid for _, testid, _ in thread_entries(page)] == ["reply-r-00001", "reply-r-00002"]


def test_a_staff_directory_that_is_down_leaves_ids_instead_of_names(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway, **the_thread())
    gateway.replace(responses.GET, STAFF_USERS, status=503, json={"status": 503})
    response = carol.get(PAGE)
    page = html(response)
    assert response.status_code == 200
    assert "Part of this page could not be loaded (staff)" in page
    assert "<dt>Assignee</dt><dd>u-carol</dd>" in page


# What each role is offered


def test_carol_on_her_own_ticket_gets_both_composers_and_the_assignee_actions(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    page = html(carol.get(PAGE))
    assert f'action="/tickets/{TICKET_ID}/reply/send/"' in page
    assert f'action="/tickets/{TICKET_ID}/note/send/"' in page
    assert 'enctype="multipart/form-data"' in page
    assert action_urls(page) == ASSIGNEE_ACTIONS
    for title in ("Change status", "Escalate", "Set start date", "Add follower", "Edit ticket"):
        assert f"<summary>{title}</summary>" in page
    for title in ("Close ticket", "Complete for the assignee", "Assign"):
        assert f"<summary>{title}</summary>" not in page


def test_the_composers_show_the_upload_limits_and_the_note_warning(
    carol: Client, gateway: responses.RequestsMock, settings: object
) -> None:
    settings.TICKET_UPLOAD_MAX_FILES = 3  # type: ignore[attr-defined]
    register_ticket_page(gateway)
    page = html(carol.get(PAGE))
    note = re.search(r'(?s)<form[^>]*id="composer-note-form".*?</form>', page)
    reply = re.search(r'(?s)<form[^>]*id="composer-reply-form".*?</form>', page)
    assert note is not None and reply is not None
    assert '<p class="note-warning">Internal note — not visible to the customer</p>' in note[0]
    assert "note-warning" not in reply[0]
    assert "Up to 3 files, 10.0\xa0MB each" in reply[0]
    assert 'name="reply-attachments"' in reply[0] and "multiple" in reply[0]


def test_the_edit_form_is_prefilled_from_the_ticket(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    page = html(carol.get(PAGE))
    assert 'name="edit-title_text" value="Card payment declined twice"' in page
    assert "Customer says the payment to Lidl failed twice" in textarea(page, "edit-description")
    assert 'name="start_date-start_date" value="2026-11-03"' in page


def test_carol_on_someone_elses_ticket_may_only_add_a_follower(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway, ticket=ticket_json(assigneeId="u-alice"))
    page = html(carol.get(PAGE))
    assert "/reply/send/" not in page
    assert "/note/send/" not in page
    assert action_urls(page) == {"follow"}
    assert called(gateway, "GET", REPLY_TITLES) == []
    assert called(gateway, "GET", REPLY_MESSAGES) == []


def test_carol_on_an_unassigned_ticket_may_only_add_a_follower(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway, ticket=ticket_json(assigneeId=None))
    page = html(carol.get(PAGE))
    assert "/reply/send/" not in page
    assert action_urls(page) == {"follow"}


def test_alice_gets_everything(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    alice = sign_in("alice")
    register_ticket_page(gateway)
    page = html(alice.get(PAGE))
    assert "/reply/send/" in page
    assert "/note/send/" in page
    assert action_urls(page) == ASSIGNEE_ACTIONS | ADMIN_ONLY_ACTIONS


def test_alices_assignee_picker_offers_admins_and_agents_only(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    alice = sign_in("alice")
    register_ticket_page(gateway)
    page = html(alice.get(PAGE))
    select = re.search(r'(?s)<select name="assign-assignee".*?</select>', page)
    assert select is not None
    assert re.findall(r'<option value="([^"]+)"', select[0]) == ["u-alice", "u-carol"]
    assert '<option value="u-carol" selected>' in select[0]


def test_bob_may_only_follow(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock
) -> None:
    bob = sign_in("bob")
    register_ticket_page(gateway)
    page = html(bob.get(PAGE))
    assert "/reply/send/" not in page
    assert "/note/send/" not in page
    assert action_urls(page) == {"follow"}
    assert called(gateway, "GET", REPLY_TITLES) == []


# Canned replies


def test_the_canned_reply_picker_lists_the_messages_of_active_titles_only(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    page = html(carol.get(PAGE))
    picker = re.search(r'(?s)<select id="canned-reply".*?</select>', page)
    assert picker is not None
    options = re.findall(
        r'<option value="(rm-[0-9]+)" data-message="([^"]*)">([^<]*)</option>', picker[0]
    )
    assert options == [
        (
            "rm-001",
            "Thanks, we are looking into it.",
            "Acknowledge: Thanks, we are looking into it.",
        ),
        ("rm-002", "Thank you for your patience.", "Acknowledge: Thank you for your patience."),
        (
            "rm-003",
            "Please send a copy of your ID.",
            "Documents needed: Please send a copy of your ID.",
        ),
    ]
    assert "rm-006" not in page
    assert "Holiday delays" not in page


def test_a_canned_message_in_the_query_prefills_the_chosen_composer(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    page = html(carol.get(PAGE, {"composer": "note", "canned": "rm-003"}))
    assert textarea(page, "note-text") == "Please send a copy of your ID."
    assert textarea(page, "reply-text") == ""
    assert re.search(r'<div class="composer-panel" data-composer-panel="note" >', page)
    assert re.search(r'<div class="composer-panel" data-composer-panel="reply" hidden>', page)


def test_a_canned_message_prefills_the_reply_composer_by_default(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    page = html(carol.get(PAGE, {"canned": "rm-001"}))
    assert textarea(page, "reply-text") == "Thanks, we are looking into it."
    assert textarea(page, "note-text") == ""


def test_a_canned_message_of_an_inactive_title_prefills_nothing(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    page = html(carol.get(PAGE, {"composer": "reply", "canned": "rm-006"}))
    assert textarea(page, "reply-text") == ""


def test_canned_replies_that_cannot_be_read_leave_the_composer_usable(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    gateway.replace(responses.GET, REPLY_TITLES, status=403, json={"status": 403})
    response = carol.get(PAGE)
    page = html(response)
    assert response.status_code == 200
    assert "Canned replies are unavailable right now (the gateway refused access)." in page
    assert f'action="/tickets/{TICKET_ID}/reply/send/"' in page


def test_the_greeting_placeholder_of_a_canned_message_is_filled_in(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    messages = [{"id": "rm-001", "titleId": "rt-001", "message": "{greeting} Welcome aboard."}]
    register_ticket_page(gateway, messages=messages)
    page = html(carol.get(PAGE, {"composer": "reply", "canned": "rm-001"}))
    text = textarea(page, "reply-text")
    assert text.endswith("Welcome aboard.")
    assert "{greeting}" not in text
    assert "{greeting}" not in page


def test_add_follower_starts_on_the_signed_in_person_so_following_is_one_click(
    carol: Client, gateway: responses.RequestsMock
) -> None:
    register_ticket_page(gateway)
    page = html(carol.get(PAGE))
    follower_select = page.split('name="follow-follower"', 1)[1].split("</select>", 1)[0]
    assert re.search(r'<option value="u-carol"[^>]*selected', follower_select)
