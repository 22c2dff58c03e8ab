"""The audit trail pages: who may read them (support agents may not: test_least_privilege),
how they filter and page, the CSV export, and that nothing can change a record once written."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.utils import timezone

from backoffice.models import AuditRecord, StaffMember

HTMX = {"HX-Request": "true"}
EN_DASH = "\u2013"
_numbers = itertools.count(1)


def staff_member(user_id: str = "u-dave", name: str = "Dave Auditor") -> StaffMember:
    member, _ = StaffMember.objects.get_or_create(
        gateway_user_id=user_id,
        defaults={"username": f"finhub-demo:{user_id}", "display_name": name},
    )
    return member


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A moment given in the project's time zone."""
    zone = timezone.get_default_timezone()
    return datetime(year, month, day, hour, minute, second, tzinfo=zone)


def audit_record(**overrides: Any) -> AuditRecord:
    """One audit record as the write service leaves it; each gets its own request id."""
    number = next(_numbers)
    staff = overrides.pop("staff", None) or staff_member()
    values: dict[str, Any] = {
        "at": local(2024, 3, 5, 9, 30) + timedelta(minutes=number),
        "staff": staff,
        "staff_user_id": staff.gateway_user_id,
        "staff_name": str(staff),
        "action": "customer.status",
        "target_type": "customer",
        "target_id": "c-00042",
        "summary": {
            "customer": "Customer Number42",
            "before": {"status": "new"},
            "after": {"status": "verified"},
            "reason": "Documents checked",
            "body": {"customerStatus": "verified"},
        },
        "outcome": "ok",
        "gateway_status": None,
        "request_id": f"req-{number:06d}",
    }
    values.update(overrides)
    return AuditRecord.objects.create(**values)


def html(response: Any) -> str:
    return response.content.decode()


def shown_ids(response: Any) -> list[int]:
    """The records the list shows, top to bottom."""
    return [int(pk) for pk in re.findall(r'<tr data-record="(\d+)">', html(response))]


def ids_of(*records: AuditRecord) -> list[int]:
    return [record.pk for record in records]


def csv_rows(response: Any) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def bob(sign_in: Callable[..., Client]) -> Client:
    return sign_in("bob")


# Who may read it


@pytest.mark.parametrize("path", ["/audit/?action=customer.status", "/audit/export.csv"])
def test_it_sends_an_anonymous_visitor_to_sign_in_and_back(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/login/"
    assert parse_qs(location.query) == {"next": [path]}


@pytest.mark.parametrize("username", ["alice", "bob"])
def test_compliance_officers_and_admins_may_read_the_trail(
    sign_in: Callable[..., Client], username: str
) -> None:
    record = audit_record()
    response = sign_in(username).get("/audit/")
    assert response.status_code == 200
    assert shown_ids(response) == [record.pk]


def test_the_main_navigation_links_to_the_audit_trail_and_marks_it_current(bob: Client) -> None:
    page = html(bob.get("/audit/"))
    assert '<a href="/audit/" aria-current="page">Audit</a>' in page
    elsewhere = html(bob.get("/approvals/"))
    assert re.search(r'<a href="/audit/"\s*>Audit</a>', elsewhere)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv"])
def test_there_is_no_route_that_writes(bob: Client, method: str, path: str) -> None:
    record = audit_record()
    response = getattr(bob, method)(path)
    assert response.status_code == 405
    assert AuditRecord.objects.count() == 1
    assert AuditRecord.objects.get().request_id == record.request_id


@pytest.mark.parametrize("path", ["/audit/1/", "/audit/1/delete/", "/audit/1/edit/"])
def test_there_is_no_page_for_one_record_to_edit_or_delete(bob: Client, path: str) -> None:
    audit_record()
    assert bob.get(path).status_code == 404


# Full page or fragment


def test_it_renders_the_whole_page_for_a_normal_request(bob: Client) -> None:
    audit_record()
    response = bob.get("/audit/")
    page = html(response)
    assert response.status_code == 200
    assert page.lstrip().startswith("<!doctype html>")
    assert '<header class="topbar">' in page
    assert '<section id="audit-list"' in page
    assert "<title>Audit trail · FinHub Back Office</title>" in page
    assert "HX-Push-Url" not in response


def test_it_renders_only_the_list_fragment_for_htmx(bob: Client) -> None:
    audit_record()
    response = bob.get("/audit/", headers=HTMX)
    fragment = html(response)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<section id="audit-list"')
    assert "<html" not in fragment
    assert "topbar" not in fragment
    assert "Customer status change" in fragment


def test_it_renders_the_whole_page_when_htmx_restores_history(bob: Client) -> None:
    audit_record()
    response = bob.get("/audit/", headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert '<header class="topbar">' in html(response)


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_it_tells_caches_the_answer_varies_with_hx_request(
    bob: Client, headers: dict[str, str]
) -> None:
    response = bob.get("/audit/", headers=headers)
    varies = [name.strip().lower() for name in response["Vary"].split(",")]
    assert "hx-request" in varies


def test_the_filter_form_works_without_javascript_and_with_htmx(bob: Client) -> None:
    page = html(bob.get("/audit/"))
    form = re.search(r'<form class="filters"[^>]*>', page)
    assert form is not None
    assert 'method="get"' in form.group(0)
    assert 'action="/audit/"' in form.group(0)
    assert 'hx-get="/audit/"' in form.group(0)
    assert 'hx-push-url="true"' in form.group(0)
    assert 'hx-indicator="#progress"' in form.group(0)


@pytest.mark.parametrize(
    ("query", "pushed"),
    [
        ("person=&action=&target=&from=&to=&page_size=25", "/audit/"),
        (
            "person=u-dave&action=customer.kyc&target=+c-00042+&from=2024-03-01&to=2024-03-31"
            "&page=2&page_size=50",
            "/audit/?person=u-dave&action=customer.kyc&target=c-00042&from=2024-03-01"
            "&to=2024-03-31&page=2&page_size=50",
        ),
        ("action=customer.kyc&page=1&page_size=25", "/audit/?action=customer.kyc"),
    ],
)
def test_it_pushes_the_canonical_url_without_defaults_for_htmx(
    bob: Client, query: str, pushed: str
) -> None:
    audit_record(action="customer.kyc")
    response = bob.get("/audit/?" + query, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Push-Url"] == pushed


# What is shown


def test_it_shows_the_newest_record_first(bob: Client) -> None:
    middle = audit_record(at=local(2024, 3, 5, 12))
    newest = audit_record(at=local(2024, 3, 6, 8))
    oldest = audit_record(at=local(2024, 3, 4, 17))
    assert shown_ids(bob.get("/audit/")) == ids_of(newest, middle, oldest)


def test_it_shows_one_row_with_each_column(bob: Client) -> None:
    audit_record(
        at=local(2024, 3, 5, 9, 7, 3),
        staff=staff_member("u-erin", "Erin Officer"),
        request_id="req-abc123",
    )
    page = html(bob.get("/audit/"))
    assert '<time datetime="2024-03-05T09:07:03+01:00">2024-03-05 09:07:03</time>' in page
    assert "Erin Officer" in page
    assert ">Customer status change<" in page
    assert '<a href="/customers/c-00042/">c-00042</a>' in page
    assert "Customer Number42 · Status: New → Verified · “Documents checked”" in page
    assert '<span class="badge tone-success">Applied</span>' in page
    assert '<td class="mono small">req-abc123</td>' in page


def test_it_counts_the_records_in_the_subtitle(bob: Client) -> None:
    for _ in range(3):
        audit_record()
    audit_record(action="customer.kyc")
    assert "Audit trail · 4 records" in html(bob.get("/audit/"))
    assert "Audit trail · 1 record " in html(bob.get("/audit/?action=customer.kyc"))


@pytest.mark.parametrize(
    ("outcome", "badge"),
    [
        ("ok", '<span class="badge tone-success">Applied</span>'),
        ("pending", '<span class="badge tone-warning">Held for approval</span>'),
        ("rejected", '<span class="badge tone-neutral">Rejected</span>'),
        ("withdrawn", '<span class="badge tone-neutral">Withdrawn</span>'),
        (
            "GatewayUnavailable",
            '<span class="badge tone-danger">Failed: the gateway was unavailable</span>',
        ),
        (
            "GatewayRejected",
            '<span class="badge tone-danger">Failed: the gateway rejected it</span>',
        ),
        (
            "outcome_unknown",
            '<span class="badge tone-warning">Outcome unknown — being checked</span>',
        ),
        ("SomeFutureError", '<span class="badge tone-danger">Failed</span>'),
    ],
)
def test_it_shows_the_outcome_as_a_badge_of_its_tone(bob: Client, outcome: str, badge: str) -> None:
    audit_record(outcome=outcome)
    assert badge in html(bob.get("/audit/"))


def test_it_shows_the_gateway_status_of_a_failed_write(bob: Client) -> None:
    audit_record(outcome="GatewayUnavailable", gateway_status=503)
    assert '<span class="muted small">503</span>' in html(bob.get("/audit/"))


@pytest.mark.parametrize(
    ("target_type", "target_id"),
    [("customer", "(new)"), ("customer", "c 00001/x"), ("canned_reply", "rt-001")],
)
def test_it_links_only_a_target_with_a_page_and_an_id_it_can_link_to(
    bob: Client, target_type: str, target_id: str
) -> None:
    audit_record(target_type=target_type, target_id=target_id)
    response = bob.get("/audit/")
    assert response.status_code == 200
    assert '<a href="/customers/' not in html(response).split('<section id="audit-list"')[1]
    assert f'<td class="mono">{target_id}</td>' in html(response)


def test_it_links_a_ticket_target_to_the_ticket_page(bob: Client) -> None:
    audit_record(action="ticket.escalate", target_type="ticket", target_id="t-00007")
    page = html(bob.get("/audit/"))
    assert '<a href="/tickets/t-00007/">t-00007</a>' in page
    assert "Ticket escalated" in page


def test_it_shows_an_approval_rejection_note_in_the_summary(bob: Client) -> None:
    audit_record(
        action="approval.rejected",
        outcome="rejected",
        summary={
            "change_request": 7,
            "maker": "Bob Compliance",
            "note": "Not enough evidence",
            "customer": "Customer Number42",
            "before": {"status": "new"},
            "after": {"status": "blacklisted"},
            "reason": "Sanctions hit",
        },
    )
    page = html(bob.get("/audit/"))
    assert ">Approval rejected<" in page
    assert (
        "Customer Number42 · Status: New → Blacklisted · “Sanctions hit” · “Not enough evidence”"
        in page
    )


def test_it_truncates_a_long_summary_and_keeps_the_whole_in_the_title(bob: Client) -> None:
    reason = "word " * 100
    audit_record(summary={"reason": reason})
    page = html(bob.get("/audit/"))
    cell = re.search(r'<td class="summary" title="([^"]*)">([^<]*)</td>', page)
    assert cell is not None
    assert cell.group(1) == "“" + " ".join(reason.split()) + "”"
    assert cell.group(2).endswith("…")
    assert len(cell.group(2)) <= 140


def test_it_escapes_markup_in_summary_values(bob: Client) -> None:
    audit_record(
        staff=staff_member("u-mallory", "<b>Mallory</b>"),
        target_type="ticket",
        target_id="<i>t-1</i>",
        summary={
            "customer": '<script>alert("xss")</script>',
            "before": {"status": "<img src=x onerror=alert(1)>"},
            "after": {"status": "verified"},
            "reason": '"><svg onload=alert(2)>',
        },
    )
    page = html(bob.get("/audit/"))
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&quot;&gt;&lt;svg onload=alert(2)&gt;" in page
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in page
    assert "&lt;i&gt;t-1&lt;/i&gt;" in page
    for raw in ("<script>alert", "<img src=x", "<svg", "<b>Mallory", "<i>t-1"):
        assert raw not in page


def test_it_offers_people_who_have_records_by_name(bob: Client) -> None:
    audit_record(staff=staff_member("u-erin", "Erin Officer"))
    audit_record(staff=staff_member("u-dave", "Dave Auditor"))
    staff_member("u-zed", "Zed Never Wrote")
    page = html(bob.get("/audit/"))
    select = re.search(r'(?s)<select name="person"[^>]*>(.*?)</select>', page)
    assert select is not None
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    assert options == [("", "Anyone"), ("u-dave", "Dave Auditor"), ("u-erin", "Erin Officer")]


def test_it_offers_the_recorded_actions_with_readable_labels_and_unknown_ones_raw(
    bob: Client,
) -> None:
    for action in ("customer.status", "approval.requested", "ticket.assigned", "customer.status"):
        audit_record(action=action)
    page = html(bob.get("/audit/"))
    select = re.search(r'(?s)<select name="action"[^>]*>(.*?)</select>', page)
    assert select is not None
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    assert options == [
        ("", "Any action"),
        ("approval.requested", "Approval requested"),
        ("customer.status", "Customer status change"),
        ("ticket.assigned", "ticket.assigned"),
    ]


# Filters


def test_the_person_filter_shows_only_that_persons_records(bob: Client) -> None:
    erin = staff_member("u-erin", "Erin Officer")
    first = audit_record(staff=erin)
    audit_record(staff=staff_member("u-dave", "Dave Auditor"))
    second = audit_record(staff=erin)
    response = bob.get("/audit/?person=u-erin")
    assert shown_ids(response) == ids_of(second, first)
    assert '<option value="u-erin" selected>Erin Officer</option>' in html(response)


def test_the_action_filter_shows_only_that_action(bob: Client) -> None:
    kyc = audit_record(action="customer.kyc")
    audit_record(action="customer.status")
    audit_record(action="approval.requested", outcome="pending")
    assert shown_ids(bob.get("/audit/?action=customer.kyc")) == [kyc.pk]


def test_the_target_filter_matches_the_whole_id_only(bob: Client) -> None:
    exact = audit_record(target_id="c-00001")
    audit_record(target_id="c-000012")
    audit_record(target_id="c-0000")
    audit_record(target_id="C-00001")
    assert shown_ids(bob.get("/audit/?target=c-00001")) == [exact.pk]
    assert shown_ids(bob.get("/audit/?target=+c-00001+")) == [exact.pk]


def test_the_filters_combine(bob: Client) -> None:
    erin = staff_member("u-erin", "Erin Officer")
    match = audit_record(staff=erin, action="customer.kyc", target_id="c-00001")
    audit_record(staff=erin, action="customer.kyc", target_id="c-00002")
    audit_record(staff=erin, action="customer.status", target_id="c-00001")
    audit_record(action="customer.kyc", target_id="c-00001")
    response = bob.get("/audit/?person=u-erin&action=customer.kyc&target=c-00001")
    assert shown_ids(response) == [match.pk]


def test_the_date_range_includes_both_whole_days_in_the_local_time_zone(bob: Client) -> None:
    assert str(timezone.get_default_timezone()) == "Europe/Berlin"
    audit_record(at=local(2024, 3, 9, 23, 59, 59))
    first_moment = audit_record(at=local(2024, 3, 10))
    # 23:30 UTC on the 9th is already the 10th in Berlin.
    late_utc = audit_record(at=datetime(2024, 3, 9, 23, 30, tzinfo=UTC))
    last_moment = audit_record(at=local(2024, 3, 12, 23, 59, 59) + timedelta(microseconds=999999))
    audit_record(at=local(2024, 3, 13))
    # 23:30 UTC on the 12th is already the 13th in Berlin.
    audit_record(at=datetime(2024, 3, 12, 23, 30, tzinfo=UTC))
    response = bob.get("/audit/?from=2024-03-10&to=2024-03-12")
    assert shown_ids(response) == ids_of(last_moment, late_utc, first_moment)


def test_a_single_day_range_shows_that_whole_day(bob: Client) -> None:
    audit_record(at=local(2024, 3, 9, 23, 59))
    day = [audit_record(at=local(2024, 3, 10, hour)) for hour in (0, 12, 23)]
    audit_record(at=local(2024, 3, 11, 0))
    assert shown_ids(bob.get("/audit/?from=2024-03-10&to=2024-03-10")) == ids_of(*reversed(day))


def test_an_open_ended_range_has_one_edge(bob: Client) -> None:
    before = audit_record(at=local(2024, 3, 9, 23, 59))
    after = audit_record(at=local(2024, 3, 10, 0))
    assert shown_ids(bob.get("/audit/?from=2024-03-10")) == [after.pk]
    assert shown_ids(bob.get("/audit/?to=2024-03-09")) == [before.pk]


@pytest.mark.parametrize(
    "query",
    [
        "from=2024-03-12&to=2024-03-10",
        "from=yesterday",
        "page_size=7",
        "page=0",
        "action=customer.delete",
        "person=u-nobody",
    ],
)
def test_it_explains_filters_that_are_not_valid(bob: Client, query: str) -> None:
    audit_record()
    response = bob.get("/audit/?" + query)
    page = html(response)
    assert response.status_code == 400
    assert "Some filters are not valid." in page
    assert "<table" not in page
    assert "Traceback" not in page


def test_it_shows_a_designed_empty_state_with_a_way_to_clear_the_filters(bob: Client) -> None:
    audit_record(target_id="c-00001")
    response = bob.get("/audit/?target=c-99999", headers=HTMX)
    page = html(response)
    assert response.status_code == 200
    assert "<table" not in page
    assert "No audit records match these filters." in page
    assert re.search(
        r'<a href="/audit/" hx-get="/audit/"[^>]*hx-push-url="true"[^>]*>Clear filters</a>', page
    )
    assert "Audit trail · 0 records" in page


def test_it_says_when_nothing_has_been_recorded_yet(bob: Client) -> None:
    page = html(bob.get("/audit/"))
    assert "Nothing has been recorded yet." in page
    assert "Clear filters" not in page


# Paging


def test_it_shows_twenty_five_records_a_page_by_default_with_a_link_to_the_next(
    bob: Client,
) -> None:
    records = [audit_record() for _ in range(30)]
    response = bob.get("/audit/")
    page = html(response)
    assert shown_ids(response) == ids_of(*reversed(records[5:]))
    assert f"1{EN_DASH}25 of 30" in page
    assert "Page 1 of 2" in page
    assert (
        '<a rel="next" href="?page=2" hx-get="?page=2" hx-target="#audit-list" '
        'hx-swap="outerHTML" hx-push-url="true" hx-indicator="#progress">Next →</a>'
    ) in page
    assert '<span class="disabled">← Previous</span>' in page


def test_the_last_page_shows_the_rest_and_links_back(bob: Client) -> None:
    records = [audit_record() for _ in range(30)]
    response = bob.get("/audit/?page=2", headers=HTMX)
    page = html(response)
    assert shown_ids(response) == ids_of(*reversed(records[:5]))
    assert f"26{EN_DASH}30 of 30" in page
    assert '<a rel="prev" href="?" hx-get="?"' in page
    assert '<span class="disabled">Next →</span>' in page
    assert response["HX-Push-Url"] == "/audit/?page=2"


def test_the_page_links_keep_the_filters_and_page_size(bob: Client) -> None:
    for _ in range(25):
        audit_record(action="customer.kyc")
    audit_record(action="customer.status")
    response = bob.get("/audit/?action=customer.kyc&page_size=10&page=2")
    page = html(response)
    assert len(shown_ids(response)) == 10
    assert f"11{EN_DASH}20 of 25" in page
    assert 'href="?action=customer.kyc&amp;page_size=10"' in page
    assert 'href="?action=customer.kyc&amp;page=3&amp;page_size=10"' in page


@pytest.mark.parametrize("size", [10, 25, 50, 100])
def test_each_page_size_is_offered_and_honoured(bob: Client, size: int) -> None:
    for _ in range(101):
        audit_record()
    response = bob.get(f"/audit/?page_size={size}")
    assert len(shown_ids(response)) == size
    assert f'<option value="{size}" selected>{size}</option>' in html(response)


def test_it_says_when_a_page_is_past_the_end(bob: Client) -> None:
    audit_record()
    response = bob.get("/audit/?page=9")
    assert response.status_code == 200
    assert "There is no page 9 for these filters." in html(response)
    assert "<table" not in html(response)


# CSV export


def test_the_page_links_to_the_export_with_the_current_filters_but_no_page(bob: Client) -> None:
    for _ in range(30):
        audit_record(action="customer.kyc")
    page = html(bob.get("/audit/?action=customer.kyc&target=c-00042&page=2&page_size=10"))
    link = re.search(r'<a href="([^"]*)"[^>]*>Export CSV</a>', page)
    assert link is not None
    assert link.group(1) == "/audit/export.csv?action=customer.kyc&amp;target=c-00042"


def test_the_export_is_a_streamed_csv_attachment_named_for_the_moment(bob: Client) -> None:
    audit_record()
    response = bob.get("/audit/export.csv")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="audit-\d{8}-\d{4}\.csv"', response["Content-Disposition"]
    )
    stamp = re.search(r"audit-(\d{8})-\d{4}", response["Content-Disposition"])
    assert stamp is not None
    today = timezone.localdate()
    assert stamp.group(1) in {f"{today:%Y%m%d}", f"{today - timedelta(days=1):%Y%m%d}"}


def test_the_export_has_a_header_and_one_row_per_record_newest_first(bob: Client) -> None:
    audit_record(
        at=local(2024, 3, 5, 9, 7, 3),
        staff=staff_member("u-erin", "Erin Officer"),
        summary={"before": {"status": "new"}, "after": {"status": "verified"}},
        request_id="req-older",
    )
    audit_record(
        at=local(2024, 3, 6, 10),
        outcome="GatewayUnavailable",
        gateway_status=503,
        request_id="req-newer",
    )
    rows = csv_rows(bob.get("/audit/export.csv"))
    assert rows[0] == [
        "at",
        "staff_user_id",
        "staff_name",
        "action",
        "target_type",
        "target_id",
        "outcome",
        "gateway_status",
        "request_id",
        "summary",
    ]
    assert [row[8] for row in rows[1:]] == ["req-newer", "req-older"]
    assert rows[1][6:8] == ["GatewayUnavailable", "503"]
    assert rows[2] == [
        "2024-03-05T09:07:03+01:00",
        "u-erin",
        "Erin Officer",
        "customer.status",
        "customer",
        "c-00042",
        "ok",
        "",
        "req-older",
        '{"after": {"status": "verified"}, "before": {"status": "new"}}',
    ]


def test_the_export_holds_the_same_filtered_set_as_the_list_across_all_pages(
    bob: Client,
) -> None:
    erin = staff_member("u-erin", "Erin Officer")
    wanted = [
        audit_record(staff=erin, action="customer.kyc", at=local(2024, 3, 10, hour))
        for hour in range(12)
    ]
    audit_record(staff=erin, action="customer.status", at=local(2024, 3, 10, 5))
    audit_record(action="customer.kyc", at=local(2024, 3, 10, 6))
    audit_record(staff=erin, action="customer.kyc", at=local(2024, 3, 11, 0))
    query = "person=u-erin&action=customer.kyc&from=2024-03-01&to=2024-03-10&page=2&page_size=10"
    rows = csv_rows(bob.get("/audit/export.csv?" + query))
    assert [row[8] for row in rows[1:]] == [record.request_id for record in reversed(wanted)]


def test_the_export_refuses_filters_that_are_not_valid(bob: Client) -> None:
    response = bob.get("/audit/export.csv?from=someday")
    assert response.status_code == 400
    assert "Content-Disposition" not in response


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_the_export_neutralises_cells_a_spreadsheet_would_run_as_a_formula(
    bob: Client, start: str
) -> None:
    formula = start + 'HYPERLINK("http://evil.test","x")'
    audit_record(
        staff=staff_member("u-mallory", formula),
        target_id=formula,
        request_id=formula[:64],
        summary={"reason": "=1+1"},
    )
    rows = csv_rows(bob.get("/audit/export.csv"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["staff_name"] == "'" + formula
    assert row["target_id"] == "'" + formula
    assert row["request_id"] == "'" + formula[:64]
    assert row["summary"] == '{"reason": "=1+1"}'
    assert row["staff_user_id"] == "u-mallory"


# Append-only


def test_a_saved_record_cannot_be_saved_again(db: None) -> None:
    record = audit_record(outcome="GatewayUnavailable")
    record.outcome = "ok"
    with pytest.raises(PermissionError):
        record.save()
    assert AuditRecord.objects.get(pk=record.pk).outcome == "GatewayUnavailable"


def test_a_record_cannot_be_deleted(db: None) -> None:
    record = audit_record()
    with pytest.raises(PermissionError):
        record.delete()
    assert AuditRecord.objects.filter(pk=record.pk).exists()


def test_records_cannot_be_deleted_in_bulk(db: None) -> None:
    audit_record()
    audit_record()
    with pytest.raises(PermissionError):
        AuditRecord.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(action="customer.status").delete()
    assert AuditRecord.objects.count() == 2


def test_records_cannot_be_updated_in_bulk(db: None) -> None:
    audit_record()
    with pytest.raises(PermissionError):
        AuditRecord.objects.update(outcome="ok-forged")
    with pytest.raises(PermissionError):
        AuditRecord.objects.all().update(outcome="ok-forged")
    assert not AuditRecord.objects.filter(outcome="ok-forged").exists()


def test_the_audit_trail_is_not_registered_in_any_admin_site() -> None:
    from django.apps import apps

    assert not apps.is_installed("django.contrib.admin")
