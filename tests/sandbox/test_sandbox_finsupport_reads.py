"""Finsupport reads on the seeded sandbox: lists, paging, filters, views, enums, report."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import requests

from sandbox.finsupport import enums
from tests.sandbox.conftest import GatewayClient

FS = "/finsupport/1.0.0"


def _page(reader: GatewayClient, path: str, user: str = "bob", **query: Any) -> dict[str, Any]:
    suffix = "&".join(f"{key}={value}" for key, value in query.items())
    response = reader.get(f"{FS}{path}?{suffix}", user=user)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_ticket_list_is_paged_newest_update_first(reader: GatewayClient) -> None:
    first = _page(reader, "/tickets", pageNumber=1, pageSize=50)
    total = first["pagination"]["totalSize"]
    assert total >= 400
    assert first["pagination"] == {
        "numberOfPage": -(-total // 50),
        "totalSize": total,
        "currentPage": 1,
    }
    stamps = [ticket["updatedAt"] for ticket in first["tickets"]]
    assert stamps == sorted(stamps, reverse=True)
    second = _page(reader, "/tickets", pageNumber=2, pageSize=50)
    assert stamps[-1] >= second["tickets"][0]["updatedAt"]
    assert not {t["id"] for t in first["tickets"]} & {t["id"] for t in second["tickets"]}
    beyond = _page(reader, "/tickets", pageNumber=999, pageSize=50)
    assert beyond["tickets"] == []
    ticket = first["tickets"][0]
    for key in (
        "id", "title", "description", "status", "priority", "category", "customerId",
        "createdBy", "assigneeId", "followers", "escalated", "startDate", "createdAt",
        "updatedAt", "closedAt", "escalationReason", "closeReason",
    ):  # fmt: skip
        assert key in ticket
    assert all(t["id"].startswith("t-") for t in first["tickets"])


def test_list_filters_combine_and_bad_values_are_400(reader: GatewayClient) -> None:
    page = _page(reader, "/tickets", status="OPEN", priority="HIGH", category="PAYMENTS")
    assert page["tickets"]
    for ticket in page["tickets"]:
        assert (ticket["status"], ticket["priority"], ticket["category"]) == (
            "OPEN",
            "HIGH",
            "PAYMENTS",
        )
    response = reader.get(f"{FS}/tickets?status=DONE&pageSize=0")
    assert response.status_code == 400
    assert {error["field"] for error in response.json()["errors"]} == {"status", "pageSize"}


def test_every_status_priority_category_combination_is_seeded(reader: GatewayClient) -> None:
    tickets = []
    for number in itertools.count(1):
        page = _page(reader, "/tickets", pageNumber=number, pageSize=200)
        tickets += page["tickets"]
        if number >= page["pagination"]["numberOfPage"]:
            break
    combos = {(t["status"], t["priority"], t["category"]) for t in tickets}
    assert combos == set(
        itertools.product(enums.TICKET_STATUSES, enums.PRIORITIES, enums.CATEGORIES)
    )
    assert any(t["escalated"] for t in tickets)
    assert any(t["assigneeId"] is None for t in tickets)
    assert {t["assigneeId"] for t in tickets} == {"u-alice", "u-carol", None}


def test_views_by_customer_assignee_and_follower(reader: GatewayClient) -> None:
    by_customer = _page(reader, "/tickets/customer/c-00101")
    assert "t-00001" in [t["id"] for t in by_customer["tickets"]]
    assert all(t["customerId"] == "c-00101" for t in by_customer["tickets"])
    carol = _page(reader, "/tickets/assignee/u-carol", pageSize=200)
    assert all(t["assigneeId"] == "u-carol" for t in carol["tickets"])
    active = [t for t in carol["tickets"] if t["status"] in ("OPEN", "IN_PROGRESS")]
    assert len(active) >= 20
    open_carol = _page(reader, "/tickets/assignee/u-carol", status="OPEN")
    assert all(t["status"] == "OPEN" for t in open_carol["tickets"])
    bob = _page(reader, "/tickets/follower/u-bob")
    assert bob["tickets"] and all("u-bob" in t["followers"] for t in bob["tickets"])
    assert reader.get(f"{FS}/tickets/customer/c-99999").status_code == 404
    assert reader.get(f"{FS}/tickets/customer/c-02201").status_code == 403
    assert reader.get(f"{FS}/tickets/assignee/u-nobody").status_code == 404
    assert reader.get(f"{FS}/tickets/follower/u-dave").status_code == 403


def test_notable_seeded_tickets(reader: GatewayClient) -> None:
    first = reader.get(f"{FS}/ticket/t-00001").json()
    assert (first["assigneeId"], first["status"]) == ("u-carol", "OPEN")
    replies = reader.get(f"{FS}/ticket/t-00001/replies").json()
    assert len(replies) == 4
    assert any(reply["fileIds"] for reply in replies)
    notes = reader.get(f"{FS}/ticket/t-00001/notes").json()
    assert len(notes) == 2 and any(note["fileIds"] for note in notes)
    files = reader.get(f"{FS}/files/ticket/t-00001").json()
    assert len(files) >= 3
    escalated = reader.get(f"{FS}/ticket/t-00002").json()
    assert escalated["escalated"] is True and escalated["status"] == "ESCALATED"
    assert escalated["escalationReason"]
    payload = reader.get(f"{FS}/ticket/t-00003").json()
    assert "<img src=x onerror=alert(1)>" in payload["title"]
    payload_replies = reader.get(f"{FS}/ticket/t-00003/replies").json()
    assert any("<script>" in reply["message"] for reply in payload_replies)


def test_threads_are_in_time_order_and_readable_by_id(reader: GatewayClient) -> None:
    replies = reader.get(f"{FS}/ticket/t-00001/replies").json()
    stamps = [reply["createdAt"] for reply in replies]
    assert stamps == sorted(stamps)
    assert {reply["authorRole"] for reply in replies} <= set(enums.ROLES)
    reply = reader.get(f"{FS}/reply/{replies[0]['id']}").json()
    assert reply == replies[0]
    assert set(reply) == {
        "id", "ticketId", "authorId", "authorRole", "message", "fileIds", "createdAt",
    }  # fmt: skip
    note = reader.get(f"{FS}/ticket/t-00001/notes").json()[0]
    assert reader.get(f"{FS}/note/{note['id']}").json() == note
    assert set(note) == {"id", "ticketId", "authorId", "authorRole", "note", "fileIds", "createdAt"}
    assert reader.get(f"{FS}/reply/r-99999").status_code == 404
    assert reader.get(f"{FS}/note/n-99999").status_code == 404


def test_assignee_and_followers_are_users(reader: GatewayClient) -> None:
    assignee = reader.get(f"{FS}/ticket/t-00001/assignee").json()
    assert assignee == {
        "id": "u-carol",
        "username": "carol",
        "name": "Carol Agent",
        "roles": ["ASSIGNEE"],
    }
    followers = reader.get(f"{FS}/ticket/t-00002/followers").json()
    assert [user["id"] for user in followers] == ["u-alice", "u-bob"]
    unassigned = _page(reader, "/tickets", status="OPEN", pageSize=200)["tickets"]
    ticket = next(t for t in unassigned if t["assigneeId"] is None)
    assert reader.get(f"{FS}/ticket/{ticket['id']}/assignee").status_code == 404


def test_tenant_isolation(reader: GatewayClient) -> None:
    other = _page(reader, "/tickets", user="dave", pageSize=200)
    assert other["pagination"]["totalSize"] == 40
    other_id = other["tickets"][0]["id"]
    for path in (f"/ticket/{other_id}", f"/ticket/{other_id}/replies", f"/files/ticket/{other_id}"):
        response = reader.get(FS + path)
        assert response.status_code == 403, path
        assert response.json()["error"] == "Forbidden"
    assert reader.get(f"{FS}/ticket/t-00001", user="dave").status_code == 403
    assert reader.get(f"{FS}/ticket/t-99999").status_code == 404
    assert reader.get(f"{FS}/reply-titles/rt-007").status_code == 403
    assert reader.get(f"{FS}/tickets", tenant="finhub-other").status_code == 403
    bad_token = {"Authorization": "Bearer not-a-token"}
    assert reader.get(f"{FS}/tickets", headers=bad_token).status_code == 401
    assert requests.get(reader.url + FS + "/tickets", timeout=5).status_code == 401


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/enums/ticket-status", list(enums.TICKET_STATUSES)),
        ("/enums/priority", ["LOW", "MEDIUM", "HIGH", "URGENT"]),
        ("/enums/category", ["ACCOUNT", "PAYMENTS", "CARDS", "KYC", "TECHNICAL", "OTHER"]),
        ("/enums/role", ["ADMIN", "ASSIGNEE", "CUSTOMER"]),
        ("/report/sort-fields", ["createdAt", "updatedAt", "priority", "status", "title"]),
        ("/report/sort-order", ["ASC", "DESC"]),
    ],
)
def test_enums(reader: GatewayClient, path: str, expected: list[str]) -> None:
    assert reader.get(FS + path).json() == expected


def test_report_counts_add_up_to_the_total(reader: GatewayClient) -> None:
    report = reader.get(f"{FS}/report").json()
    total = _page(reader, "/tickets")["pagination"]["totalSize"]
    for key in ("byStatus", "byPriority", "byCategory", "byAssignee"):
        assert sum(report[key].values()) == total, key
    assert set(report["byStatus"]) == set(enums.TICKET_STATUSES)
    assert set(report["byAssignee"]) == {"u-alice", "u-carol", "unassigned"}
    open_count = _page(reader, "/tickets", status="OPEN")["pagination"]["totalSize"]
    assert report["byStatus"]["OPEN"] == open_count


def test_report_page_filters_sorts_and_pages(reader: GatewayClient) -> None:
    body = {
        "from": "2026-01-01",
        "to": "2026-06-30",
        "status": ["OPEN", "IN_PROGRESS"],
        "priority": ["HIGH", "URGENT"],
        "assigneeId": "u-carol",
        "sortField": "priority",
        "sortOrder": "DESC",
        "pageNumber": 1,
        "pageSize": 5,
    }
    page = reader.post(f"{FS}/report", json=body).json()
    assert page["pagination"]["totalSize"] > 5
    assert len(page["tickets"]) == 5
    for ticket in page["tickets"]:
        assert "2026-01-01" <= ticket["createdAt"] < "2026-07-01"
        assert ticket["status"] in ("OPEN", "IN_PROGRESS")
        assert ticket["assigneeId"] == "u-carol"
    everything = reader.post(f"{FS}/report", json={**body, "pageSize": 200}).json()["tickets"]
    ranks = [enums.PRIORITIES.index(t["priority"]) for t in everything]
    assert ranks == sorted(ranks, reverse=True)
    by_title = reader.post(
        f"{FS}/report", json={"sortField": "title", "sortOrder": "ASC", "pageSize": 200}
    ).json()["tickets"]
    titles = [t["title"].lower() for t in by_title]
    assert titles == sorted(titles)
    oldest = reader.post(f"{FS}/report", json={"sortField": "createdAt", "sortOrder": "ASC"})
    stamps = [t["createdAt"] for t in oldest.json()["tickets"]]
    assert stamps == sorted(stamps)


def test_report_page_validation(reader: GatewayClient) -> None:
    body = {
        "from": "yesterday",
        "status": ["OPEN", "DONE"],
        "sortField": "customer",
        "sortOrder": "UP",
        "pageNumber": 0,
    }
    response = reader.post(f"{FS}/report", json=body)
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"from", "status[1]", "sortField", "sortOrder", "pageNumber"}
    backwards = reader.post(f"{FS}/report", json={"from": "2026-02-01", "to": "2026-01-01"})
    assert backwards.status_code == 400


def test_files_lists_and_aggregate(reader: GatewayClient) -> None:
    every = reader.get(f"{FS}/files").json()
    aggregate = reader.get(f"{FS}/files/aggregate").json()
    assert aggregate["count"] == len(every)
    assert aggregate["totalSize"] == sum(item["size"] for item in every)
    assert sum(aggregate["byContentType"].values()) == len(every)
    assert {"text/plain", "image/png", "application/pdf"} <= set(aggregate["byContentType"])
    reply_file = next(item for item in every if item["replyId"])
    by_reply = reader.get(f"{FS}/files/reply/{reply_file['replyId']}").json()
    assert reply_file in by_reply
    note_file = next(item for item in every if item["noteId"])
    assert note_file in reader.get(f"{FS}/files/note/{note_file['noteId']}").json()
    meta = reader.get(f"{FS}/files/{reply_file['id']}").json()
    assert meta == reply_file
    content = reader.get(f"{FS}/files/{reply_file['id']}/content")
    assert len(content.content) == meta["size"]
    assert content.headers["Content-Type"] == meta["contentType"]
    png = next(item for item in every if item["contentType"] == "image/png")
    assert reader.get(f"{FS}/files/{png['id']}/content").content.startswith(b"\x89PNG")
    assert reader.get(f"{FS}/files/f-99999").status_code == 404


def test_canned_replies_are_seeded(reader: GatewayClient) -> None:
    titles = reader.get(f"{FS}/reply-titles").json()
    assert len(titles) == 6
    assert [t["status"] for t in titles].count("INACTIVE") == 1
    active = reader.get(f"{FS}/reply-titles?status=ACTIVE").json()
    assert len(active) == 5
    messages = reader.get(f"{FS}/reply-messages").json()
    assert {m["titleId"] for m in messages} == {t["id"] for t in titles}
    first = reader.get(f"{FS}/reply-messages?titleId={titles[0]['id']}").json()
    assert first and all(m["titleId"] == titles[0]["id"] for m in first)
    assert reader.get(f"{FS}/reply-messages/{first[0]['id']}").json() == first[0]
    assert "{greeting}" in first[0]["message"]
