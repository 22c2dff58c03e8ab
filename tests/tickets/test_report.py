"""The ticket report: summary charts as inline SVG, the filtered table from `POST /report` as a
full page or an HTMX fragment, cached sort options, and the CSV export over every page."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
import responses
from django.test import Client

from tests.conftest import TENANT
from tests.tickets.factories import (
    FINSUPPORT,
    TOKENS,
    called,
    html,
    json_body,
    page_json,
    register_enums,
    register_staff,
    ticket_json,
)
from tickets import report_services
from tickets.report_charts import BAR_AREA

PAGE = "/tickets/report/"
EXPORT = "/tickets/report/export.csv"
REPORT = FINSUPPORT + "/report"
SORT_FIELDS = REPORT + "/sort-fields"
SORT_ORDERS = REPORT + "/sort-order"
HTMX = {"HTTP_HX_REQUEST": "true"}
DEFAULT_BODY = {"sortField": "updatedAt", "sortOrder": "DESC", "pageNumber": 1, "pageSize": 25}


def summary_json() -> dict[str, Any]:
    return {
        "byStatus": {
            "OPEN": 74,
            "IN_PROGRESS": 78,
            "ON_HOLD": 42,
            "ESCALATED": 47,
            "RESOLVED": 63,
            "COMPLETED": 55,
            "CLOSED": 61,
        },
        "byPriority": {"LOW": 97, "MEDIUM": 103, "HIGH": 111, "URGENT": 109},
        "byCategory": {
            "ACCOUNT": 66,
            "PAYMENTS": 76,
            "CARDS": 70,
            "KYC": 58,
            "TECHNICAL": 75,
            "OTHER": 75,
        },
        "byAssignee": {"u-alice": 164, "u-carol": 219, "unassigned": 37},
        "total": 420,
    }


def register_options(
    gateway: responses.RequestsMock,
    *,
    fields: list[str] | None = None,
    orders: list[str] | None = None,
) -> None:
    register_enums(gateway)
    register_staff(gateway)
    gateway.get(
        SORT_FIELDS,
        json=["createdAt", "updatedAt", "priority", "status", "title"]
        if fields is None
        else fields,
    )
    gateway.get(SORT_ORDERS, json=["ASC", "DESC"] if orders is None else orders)


def register_report(
    gateway: responses.RequestsMock, body: dict[str, Any] | None = None, **options: Any
) -> None:
    register_options(gateway, **options)
    gateway.get(REPORT, json=summary_json())
    gateway.post(
        REPORT,
        json=page_json(ticket_json(), ticket_json("t-00002", assigneeId=None, title="Card lost"))
        if body is None
        else body,
    )


def report_bodies(gateway: responses.RequestsMock) -> list[Any]:
    return [json_body(request) for request in called(gateway, "POST", REPORT)]


def chart(page: str, slug: str) -> str:
    found = re.search(rf'(?s)<div class="chart" data-testid="chart-{slug}">(.*?)</svg>', page)
    assert found is not None, f"no {slug} chart"
    return found.group(1)


def bars(svg: str) -> dict[str, tuple[str, str, str]]:
    """bucket key -> (label text, bar width, count text) for one chart."""
    found = re.findall(
        r'(?s)<g data-bucket="([^"]+)">.*?<text[^>]*text-anchor="end"[^>]*>([^<]*)</text>'
        r'.*?<rect[^>]*fill-opacity[^>]*/>\s*<rect[^>]*width="(\d+)"[^>]*/>'
        r".*?<text[^>]*>([^<]*)</text>",
        svg,
    )
    return {key: (label, width, count) for key, label, width, count in found}


@pytest.fixture
def alice(sign_in: Callable[..., Client]) -> Client:
    return sign_in("alice")


# The page


@pytest.mark.parametrize("username", ["alice", "bob", "carol"])
def test_everyone_signed_in_may_view_the_report(
    sign_in: Callable[..., Client], gateway: responses.RequestsMock, username: str
) -> None:
    register_report(gateway)
    response = sign_in(username).get(PAGE)
    assert response.status_code == 200
    [summary_call] = called(gateway, "GET", REPORT)
    assert summary_call.headers["Authorization"] == f"Bearer {TOKENS[username]}"
    assert summary_call.headers["tenantId"] == TENANT


def test_a_direct_load_is_the_full_page_with_charts_and_the_default_table(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_report(gateway)
    response = alice.get(PAGE)
    page = html(response)
    assert page.startswith("<!doctype html>")
    assert "<h1>Ticket report</h1>" in page
    assert "420 tickets in all" in page
    assert page.count('<div class="chart"') == 4
    assert 'id="report-table"' in page
    assert "Card payment declined twice" in page
    assert "Carol Agent" in page and "Unassigned" in page
    assert report_bodies(gateway) == [DEFAULT_BODY]
    assert "HX-Request" in response["Vary"]


def test_filters_sort_and_paging_are_sent_as_the_report_body(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_report(gateway, body=page_json(ticket_json(), total=120, pages=3, current=3))
    response = alice.get(
        PAGE,
        {
            "date_from": "2026-01-01",
            "date_to": "2026-03-31",
            "status": ["OPEN", "ESCALATED"],
            "priority": "URGENT",
            "category": ["CARDS", "KYC"],
            "assignee": "u-carol",
            "sort": "title",
            "order": "ASC",
            "page": "3",
            "page_size": "50",
        },
    )
    assert response.status_code == 200
    assert report_bodies(gateway) == [
        {
            "from": "2026-01-01",
            "to": "2026-03-31",
            "status": ["OPEN", "ESCALATED"],
            "priority": ["URGENT"],
            "category": ["CARDS", "KYC"],
            "assigneeId": "u-carol",
            "sortField": "title",
            "sortOrder": "ASC",
            "pageNumber": 3,
            "pageSize": 50,
        }
    ]
    page = html(response)
    # the form shows what is in force
    assert re.search(r'<input type="checkbox" name="status" value="ESCALATED"[^>]*checked', page)
    assert re.search(r'<option value="u-carol" selected>Carol Agent</option>', page)
    assert re.search(r'<option value="title" selected>Title</option>', page)


def test_an_htmx_request_gets_only_the_table_fragment_and_pushes_the_canonical_url(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_report(gateway, body=page_json(ticket_json(), total=60, pages=3, current=2))
    response = alice.get(
        PAGE + "?status=OPEN&date_from=&priority=&sort=updatedAt&order=DESC&page=2&page_size=25",
        **HTMX,
    )
    assert response.status_code == 200
    page = html(response)
    assert page.lstrip().startswith('<section id="report-table"')
    assert "<html" not in page and "<svg" not in page
    assert response["HX-Push-Url"] == "/tickets/report/?status=OPEN&page=2"
    assert called(gateway, "GET", REPORT) == []  # the charts stay; no summary read
    assert report_bodies(gateway) == [{**DEFAULT_BODY, "status": ["OPEN"], "pageNumber": 2}]
    # paging links are real links that HTMX upgrades, and carry the filters
    assert 'href="?status=OPEN" hx-get="?status=OPEN"' in page
    assert 'href="?status=OPEN&amp;page=3" hx-get="?status=OPEN&amp;page=3"' in page
    assert 'hx-push-url="true"' in page


def test_a_history_restore_gets_the_full_page(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_report(gateway)
    response = alice.get(PAGE, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert html(response).startswith("<!doctype html>")
    assert len(called(gateway, "GET", REPORT)) == 1


def test_the_column_being_sorted_is_marked_and_its_heading_flips_the_order(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_report(gateway)
    page = html(alice.get(PAGE, {"sort": "priority", "order": "DESC"}))
    heading = re.search(r'<th scope="col" aria-sort="descending">(.*?)</th>', page)
    assert heading is not None
    assert "Priority" in heading.group(1)
    assert 'href="?sort=priority&amp;order=ASC"' in heading.group(1)
    # another sortable column starts at its natural order
    assert 'href="?sort=title&amp;order=ASC"' in page
    assert 'href="?sort=createdAt"' in page  # DESC is the default order


def test_the_export_link_carries_the_filters_but_no_paging(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_report(gateway, body=page_json(ticket_json(), total=60, pages=3, current=2))
    page = html(alice.get(PAGE, {"status": "OPEN", "page": "2", "page_size": "10"}))
    assert 'href="/tickets/report/export.csv?status=OPEN"' in page


def test_invalid_filters_show_a_banner_and_ask_nothing_of_the_report(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_report(gateway)
    response = alice.get(
        PAGE, {"status": "BOGUS", "date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert response.status_code == 400
    page = html(response)
    assert "Some filters are not valid." in page
    assert "Select a valid choice. BOGUS is not one of the available choices." in page
    assert "The end date is before the start date." in page
    assert report_bodies(gateway) == []


def test_no_matching_tickets_shows_the_empty_state_with_a_way_out(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_report(gateway, body=page_json())
    page = html(alice.get(PAGE, {"category": "KYC"}))
    empty = page.split('<div class="empty">', 1)[1]
    assert "No tickets match these filters." in empty
    assert 'hx-get="/tickets/report/"' in empty


def test_a_report_failure_shows_the_error_where_the_table_was_and_keeps_the_charts(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_options(gateway)
    gateway.get(REPORT, json=summary_json())
    gateway.post(REPORT, status=503, json={"status": 503, "message": "Down for maintenance"})
    response = alice.get(PAGE)
    assert response.status_code == 502
    page = html(response)
    assert page.count('<div class="chart"') == 4
    table = page.split('id="report-table"', 1)[1]
    assert "The gateway is unavailable" in table
    assert "Try again" in table


def test_a_summary_failure_leaves_the_table_working(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_options(gateway)
    gateway.get(REPORT, status=503, json={"status": 503, "message": "Down"})
    gateway.post(REPORT, json=page_json(ticket_json()))
    response = alice.get(PAGE)
    assert response.status_code == 200
    page = html(response)
    assert "The charts could not be drawn" in page
    assert "<svg" not in page
    assert "Card payment declined twice" in page


# The charts


def test_the_charts_label_every_bucket_with_its_count_and_map_assignees_to_names(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_report(gateway)
    page = html(alice.get(PAGE))
    status = bars(chart(page, "status"))
    assert status["OPEN"][0] == "Open" and status["OPEN"][2] == "74"
    assert status["IN_PROGRESS"][0] == "In progress" and status["IN_PROGRESS"][2] == "78"
    assert status["CLOSED"][0] == "Closed" and status["CLOSED"][2] == "61"
    assert len(status) == 7
    priority = bars(chart(page, "priority"))
    assert {key: (label, count) for key, (label, _, count) in priority.items()} == {
        "LOW": ("Low", "97"),
        "MEDIUM": ("Medium", "103"),
        "HIGH": ("High", "111"),
        "URGENT": ("Urgent", "109"),
    }
    category = bars(chart(page, "category"))
    assert category["KYC"][0::2] == ("KYC", "58")
    assert category["PAYMENTS"][0::2] == ("Payments", "76")
    assignee = bars(chart(page, "assignee"))
    assert list(assignee) == ["u-carol", "u-alice", "unassigned"]  # most first, unassigned last
    assert assignee["u-carol"][0::2] == ("Carol Agent", "219")
    assert assignee["u-alice"][0::2] == ("Alice Admin", "164")
    assert assignee["unassigned"][0::2] == ("Unassigned", "37")


def test_bars_scale_to_the_largest_count(alice: Client, gateway: responses.RequestsMock) -> None:
    register_report(gateway)
    priority = bars(chart(html(alice.get(PAGE)), "priority"))
    assert int(priority["HIGH"][1]) == BAR_AREA
    assert int(priority["LOW"][1]) == round(BAR_AREA * 97 / 111)


def test_the_charts_are_accessible_and_carry_no_inline_styles(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_report(gateway)
    page = html(alice.get(PAGE))
    assert "style=" not in page
    assert "<style" not in page
    svg = chart(page, "status")
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-status-title chart-status-desc"' in svg
    assert '<title id="chart-status-title">Tickets by status</title>' in svg
    assert "Open: 74 tickets (18%)" in svg  # the <desc> and each bar's <title>
    assert "<title>Escalated: 47 tickets (11%)</title>" in svg


def test_bucket_labels_from_the_gateway_are_escaped(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_options(gateway)
    summary = summary_json()
    summary["byAssignee"] = {'<img src=x onerror="alert(1)">': 3, "unassigned": 1}
    gateway.get(REPORT, json=summary)
    gateway.post(REPORT, json=page_json())
    page = html(alice.get(PAGE))
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


# Sort options


def test_sort_choices_come_from_the_gateway_and_are_cached(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_report(gateway, fields=["createdAt", "title"], orders=["DESC", "ASC"])
    page = html(alice.get(PAGE))
    sort_select = re.search(r'(?s)<select name="sort"[^>]*>(.*?)</select>', page)
    assert sort_select is not None
    assert re.findall(r'<option value="([^"]*)"', sort_select.group(1)) == ["createdAt", "title"]
    # the gateway has no updatedAt here, so its first field is the default
    assert report_bodies(gateway)[0]["sortField"] == "createdAt"
    alice.get(PAGE + "?page=2", **HTMX)
    alice.get(PAGE)
    assert len(called(gateway, "GET", SORT_FIELDS)) == 1
    assert len(called(gateway, "GET", SORT_ORDERS)) == 1


def test_a_sort_field_the_gateway_does_not_offer_is_refused(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_report(gateway)
    response = alice.get(PAGE, {"sort": "customerId"})
    assert response.status_code == 400
    assert report_bodies(gateway) == []


# CSV export


def export_gateway(
    gateway: responses.RequestsMock, *, total: int, per_page: int = 200, title: str = ""
) -> None:
    """`POST /report` answering whichever page is asked, `total` tickets in all."""
    pages = -(-total // per_page)

    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        number, size = body["pageNumber"], body["pageSize"]
        first = (number - 1) * size
        tickets = [
            ticket_json(
                f"t-{index + 1:05d}",
                title=title or f"Ticket {index + 1}",
                assigneeId="u-carol" if index % 2 else None,
            )
            for index in range(first, min(first + size, total))
        ]
        return 200, {}, json.dumps(page_json(*tickets, total=total, pages=pages, current=number))

    register_options(gateway)
    gateway.add_callback(responses.POST, REPORT, callback=answer)


def rows_of(response: Any) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(content)))


def test_the_export_walks_every_page_and_writes_a_header_and_every_row(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    export_gateway(gateway, total=450)
    response = alice.get(EXPORT, {"status": ["OPEN", "ON_HOLD"], "assignee": "u-carol"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="ticket-report-\d{8}-\d{4}\.csv"', response["Content-Disposition"]
    )
    rows = rows_of(response)
    assert rows[0][:8] == [
        "id",
        "title",
        "status",
        "priority",
        "category",
        "customer_id",
        "assignee_id",
        "assignee_name",
    ]
    assert len(rows) == 1 + 450
    assert rows[1][:4] == ["t-00001", "Ticket 1", "OPEN", "HIGH"]
    assert rows[2][6:8] == ["u-carol", "Carol Agent"]
    assert rows[-1][0] == "t-00450"
    bodies = report_bodies(gateway)
    assert [b["pageNumber"] for b in bodies] == [1, 2, 3]
    assert {b["pageSize"] for b in bodies} == {200}
    assert all(b["status"] == ["OPEN", "ON_HOLD"] and b["assigneeId"] == "u-carol" for b in bodies)
    assert response["X-Export-Rows"] == "450"
    assert not response.has_header("X-Export-Truncated")


def test_the_export_stops_at_the_row_cap(
    alice: Client, gateway: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_services, "REPORT_EXPORT_MAX_ROWS", 300)
    export_gateway(gateway, total=1000)
    response = alice.get(EXPORT)
    assert len(rows_of(response)) == 1 + 300
    assert len(report_bodies(gateway)) == 2
    assert response["X-Export-Truncated"] == "first 300 of 1000"


def test_the_export_defuses_cells_a_spreadsheet_would_run(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    export_gateway(gateway, total=1, title='=HYPERLINK("http://evil.test","x")')
    rows = rows_of(alice.get(EXPORT))
    assert rows[1][1] == '\'=HYPERLINK("http://evil.test","x")'


def test_a_gateway_failure_during_the_export_is_an_error_page_not_a_short_file(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_options(gateway)
    gateway.post(REPORT, json=page_json(ticket_json(), total=400, pages=2, current=1))
    gateway.post(REPORT, status=503, json={"status": 503, "message": "Down"})
    response = alice.get(EXPORT)
    assert response.status_code == 502
    assert "text/csv" not in response["Content-Type"]


def test_an_export_with_invalid_filters_is_refused(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_options(gateway)
    response = alice.get(EXPORT, {"priority": "WHENEVER"})
    assert response.status_code == 400
    assert report_bodies(gateway) == []


# The way in


def test_the_ticket_list_links_to_canned_replies_and_the_report(
    alice: Client, gateway: responses.RequestsMock
) -> None:
    register_enums(gateway)
    register_staff(gateway)
    gateway.get(FINSUPPORT + "/tickets", json=page_json(ticket_json()))
    page = html(alice.get("/tickets/"))
    links = page.split('data-testid="desk-links"', 1)[1].split("</p>", 1)[0]
    assert '<a href="/tickets/replies/">Canned replies</a>' in links
    assert '<a href="/tickets/report/">Report</a>' in links
