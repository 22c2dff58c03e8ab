"""Finsupport writes: create, update, workflow, role rules, replies/notes, canned replies."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.conftest import GatewayClient

FS = "/finsupport/1.0.0"
NEW_TICKET = {
    "title": "Card blocked abroad",
    "description": "My card stopped working in Lisbon.",
    "category": "CARDS",
    "priority": "HIGH",
    "customerId": "c-00500",
}


def _ticket(client: GatewayClient, ticket_id: str) -> dict[str, Any]:
    return client.get(f"{FS}/ticket/{ticket_id}").json()


def _new(client: GatewayClient, assignee: str | None = "u-carol", user: str = "alice") -> str:
    body = {**NEW_TICKET, "assigneeId": assignee} if assignee else NEW_TICKET
    path = f"{FS}/ticket/new" if assignee else f"{FS}/ticket"
    response = client.post(path, json=body, user=user)
    assert response.status_code == 200, response.text
    return response.json()["id"]


def _errors(response: Any) -> set[str]:
    assert response.status_code == 400, response.text
    return {error["field"] for error in response.json()["errors"]}


def test_create_makes_an_open_ticket_that_lists_first(client: GatewayClient) -> None:
    created = client.post(f"{FS}/ticket", json=NEW_TICKET, user="erin").json()
    assert created["id"].startswith("t-")
    assert created["status"] == "OPEN"
    assert created["createdBy"] == "u-erin"
    assert created["assigneeId"] is None and created["followers"] == []
    assert created["escalated"] is False and created["closedAt"] is None
    assert _ticket(client, created["id"]) == created
    assert client.get(f"{FS}/tickets?pageSize=1").json()["tickets"][0]["id"] == created["id"]
    mine = client.get(f"{FS}/tickets/customer/c-00500").json()["tickets"]
    assert created["id"] in [t["id"] for t in mine]


def test_create_validates_every_field(client: GatewayClient) -> None:
    assert _errors(client.post(f"{FS}/ticket", json={})) == {
        "title",
        "description",
        "category",
        "priority",
        "customerId",
    }
    bad = {**NEW_TICKET, "category": "LOANS", "priority": "ASAP", "title": "x" * 201}
    assert _errors(client.post(f"{FS}/ticket", json=bad)) == {"category", "priority", "title"}
    unknown = client.post(f"{FS}/ticket", json={**NEW_TICKET, "customerId": "c-99999"})
    assert unknown.json()["errors"] == [{"field": "customerId", "message": "unknown customer"}]
    other = client.post(f"{FS}/ticket", json={**NEW_TICKET, "customerId": "c-02201"})
    assert other.status_code == 403


def test_create_new_needs_an_assignable_assignee(client: GatewayClient) -> None:
    ticket_id = _new(client, "u-carol", user="bob")
    ticket = _ticket(client, ticket_id)
    assert ticket["assigneeId"] == "u-carol" and ticket["createdBy"] == "u-bob"
    assert _errors(client.post(f"{FS}/ticket/new", json=NEW_TICKET)) == {"assigneeId"}
    compliance = client.post(f"{FS}/ticket/new", json={**NEW_TICKET, "assigneeId": "u-erin"})
    assert compliance.json()["errors"] == [
        {"field": "assigneeId", "message": "must be an ADMIN or ASSIGNEE user"}
    ]
    unknown = client.post(f"{FS}/ticket/new", json={**NEW_TICKET, "assigneeId": "u-zed"})
    assert _errors(unknown) == {"assigneeId"}
    other = client.post(f"{FS}/ticket/new", json={**NEW_TICKET, "assigneeId": "u-dave"})
    assert other.status_code == 403


def test_update_changes_only_given_fields(client: GatewayClient) -> None:
    ticket_id = _new(client)
    before = _ticket(client, ticket_id)
    response = client.put(f"{FS}/ticket/{ticket_id}", json={"priority": "URGENT"}, user="carol")
    after = response.json()
    assert after["priority"] == "URGENT" and after["title"] == before["title"]
    assert after["updatedAt"] > before["updatedAt"]
    assert _errors(client.put(f"{FS}/ticket/{ticket_id}", json={}, user="alice")) == {"body"}
    bad = client.put(f"{FS}/ticket/{ticket_id}", json={"category": "X"}, user="alice")
    assert _errors(bad) == {"category"}
    assert (
        client.put(f"{FS}/ticket/{ticket_id}", json={"title": "t"}, user="bob").status_code == 403
    )


def test_workflow_writes_change_the_ticket(client: GatewayClient) -> None:
    ticket_id = _new(client)
    url = f"{FS}/ticket/{ticket_id}"
    started = client.put(url + "/start-date", json={"startDate": "2026-11-25"}, user="carol")
    assert started.json()["startDate"] == "2026-11-25"
    assert _errors(client.put(url + "/start-date", json={"startDate": "25/11"}, user="carol")) == {
        "startDate"
    }
    progress = client.put(url + "/assignee-status", json={"status": "IN_PROGRESS"}, user="carol")
    assert progress.json()["status"] == "IN_PROGRESS"
    closing = client.put(url + "/assignee-status", json={"status": "CLOSED"}, user="carol")
    assert _errors(closing) == {"status"}
    escalated = client.put(url + "/escalate", json={"reason": "Regulator"}, user="carol").json()
    assert escalated["escalated"] is True and escalated["status"] == "ESCALATED"
    assert escalated["escalationReason"] == "Regulator"
    assert _errors(client.put(url + "/escalate", json={}, user="carol")) == {"reason"}
    held = client.put(url + "/admin-status", json={"status": "ON_HOLD"}, user="alice").json()
    assert held["status"] == "ON_HOLD" and held["escalated"] is True
    complete = client.put(url + "/admin-complete", json={}, user="alice").json()
    assert complete["status"] == "COMPLETED"
    closed = client.put(url + "/admin-close", json={"reason": "Done"}, user="alice").json()
    assert closed["status"] == "CLOSED" and closed["closedAt"] and closed["closeReason"] == "Done"
    reopened = client.put(url + "/admin-status", json={"status": "OPEN"}, user="alice").json()
    assert reopened["closedAt"] is None
    assert _ticket(client, ticket_id) == reopened


def test_assignment_and_followers(client: GatewayClient) -> None:
    ticket_id = _new(client, assignee=None, user="bob")
    url = f"{FS}/ticket/{ticket_id}"
    assert client.get(url + "/assignee").status_code == 404
    assigned = client.post(url + "/assignee", json={"assigneeId": "u-carol"}, user="alice")
    assert assigned.json()["assigneeId"] == "u-carol"
    assert client.get(url + "/assignee").json()["id"] == "u-carol"
    assert (
        client.post(url + "/assignee", json={"assigneeId": "u-alice"}, user="carol").status_code
        == 403
    )
    assert client.post(url + "/follower", json={"followerId": "u-bob"}).json()["followers"] == [
        "u-bob"
    ]
    again = client.post(url + "/follower", json={"followerId": "u-bob"}).json()
    assert again["followers"] == ["u-bob"]
    client.post(url + "/follower", json={"followerId": "u-carol"}, user="carol")
    assert [u["id"] for u in client.get(url + "/followers").json()] == ["u-bob", "u-carol"]
    followed = client.get(f"{FS}/tickets/follower/u-carol?pageSize=200").json()["tickets"]
    assert ticket_id in [t["id"] for t in followed]
    assert _errors(client.post(url + "/follower", json={"followerId": "u-zed"})) == {"followerId"}
    assert client.post(url + "/follower", json={"followerId": "u-dave"}).status_code == 403


@pytest.mark.parametrize(
    ("user", "path", "body", "status"),
    [
        ("carol", "/assignee-reply", {"message": "On it"}, 200),
        ("carol", "/assignee-note", {"note": "Checked logs"}, 200),
        ("carol", "/admin-close", {"reason": "x"}, 403),
        ("carol", "/admin-reply", {"message": "x"}, 403),
        ("carol", "/admin-status", {"status": "OPEN"}, 403),
        ("carol", "/admin-complete", {}, 403),
        ("bob", "/assignee-reply", {"message": "x"}, 403),
        ("bob", "/assignee-status", {"status": "OPEN"}, 403),
        ("bob", "/admin-note", {"note": "x"}, 403),
        ("bob", "/escalate", {"reason": "x"}, 403),
        ("alice", "/assignee-reply", {"message": "Admin steps in"}, 200),
        ("alice", "/admin-note", {"note": "Internal"}, 200),
        ("alice", "/customer-reply", {"message": "x"}, 403),
        ("alice", "/customer-close", {"reason": "x"}, 403),
        ("alice", "/admin-close", {"reason": "Handled"}, 200),
    ],
)
def test_role_rules_on_a_ticket_of_carol(
    client: GatewayClient, user: str, path: str, body: dict[str, Any], status: int
) -> None:
    method = (
        client.put
        if any(word in path for word in ("close", "status", "complete", "esc"))
        else client.post
    )
    response = method(f"{FS}/ticket/t-00001{path}", json=body, user=user)
    assert response.status_code == status, response.text
    if status == 403:
        assert response.json()["error"] == "Forbidden"


def test_an_assignee_cannot_work_somebody_elses_ticket(client: GatewayClient) -> None:
    alices = client.get(f"{FS}/tickets/assignee/u-alice?status=OPEN").json()["tickets"][0]["id"]
    url = f"{FS}/ticket/{alices}"
    assert (
        client.post(url + "/assignee-reply", json={"message": "x"}, user="carol").status_code == 403
    )
    assert client.post(url + "/assignee-note", json={"note": "x"}, user="carol").status_code == 403
    assert (
        client.put(url + "/assignee-status", json={"status": "ON_HOLD"}, user="carol").status_code
        == 403
    )
    assert (
        client.put(url + "/start-date", json={"startDate": "2026-12-01"}, user="carol").status_code
        == 403
    )
    assert client.get(url, user="carol").status_code == 200
    other = client.get(f"{FS}/tickets", user="dave").json()["tickets"][0]["id"]
    assert (
        client.put(
            f"{FS}/ticket/{other}/admin-close", json={"reason": "x"}, user="alice"
        ).status_code
        == 403
    )


def test_replies_and_notes_keep_order_and_attach_files(client: GatewayClient) -> None:
    ticket_id = _new(client)
    url = f"{FS}/ticket/{ticket_id}"
    token = client.token("carol")["access_token"]
    headers = {"Authorization": f"Bearer {token}", "tenantId": "finhub-demo"}
    uploaded = client.session.post(
        client.url + f"{FS}/files/upload-multiple",
        files=[
            ("files", ("a.txt", b"alpha", "text/plain")),
            ("files", ("b.txt", b"beta", "text/plain")),
        ],
        headers=headers,
        timeout=10,
    ).json()
    first, second = (item["id"] for item in uploaded)
    reply = client.post(
        url + "/assignee-reply", json={"message": "See attached", "fileIds": [first]}, user="carol"
    ).json()
    assert reply["authorId"] == "u-carol" and reply["authorRole"] == "ASSIGNEE"
    assert reply["fileIds"] == [first]
    note = client.post(
        url + "/assignee-note", json={"note": "Internal", "fileIds": [second]}, user="carol"
    ).json()
    assert note["fileIds"] == [second] and note["authorRole"] == "ASSIGNEE"
    admin = client.post(url + "/admin-reply", json={"message": "Admin here"}, user="alice").json()
    assert admin["authorRole"] == "ADMIN" and admin["fileIds"] == []
    replies = client.get(url + "/replies").json()
    assert [r["id"] for r in replies] == [reply["id"], admin["id"]]
    assert client.get(url + "/notes").json() == [note]
    meta = client.get(f"{FS}/files/{first}").json()
    assert (meta["ticketId"], meta["replyId"], meta["noteId"]) == (ticket_id, reply["id"], None)
    assert client.get(f"{FS}/files/note/{note['id']}").json()[0]["id"] == second
    assert {f["id"] for f in client.get(f"{FS}/files/ticket/{ticket_id}").json()} == {first, second}
    reused = client.post(
        url + "/admin-reply", json={"message": "x", "fileIds": [first]}, user="alice"
    )
    assert _errors(reused) == {"fileIds[0]"}
    missing = client.post(
        url + "/admin-reply", json={"message": "x", "fileIds": ["f-99999"]}, user="alice"
    )
    assert missing.json()["errors"] == [{"field": "fileIds[0]", "message": "unknown file"}]
    assert _errors(client.post(url + "/admin-note", json={"note": " "}, user="alice")) == {"note"}
    assert _ticket(client, ticket_id)["updatedAt"] >= admin["createdAt"]


def test_reply_titles_and_messages_crud(client: GatewayClient) -> None:
    created = client.post(f"{FS}/reply-titles", json={"title": "Refunds"}, user="alice").json()
    assert created["id"].startswith("rt-") and created["status"] == "ACTIVE"
    assert client.get(f"{FS}/reply-titles/{created['id']}").json() == created
    off = client.put(
        f"{FS}/reply-titles/{created['id']}/status", json={"status": "INACTIVE"}, user="alice"
    ).json()
    assert off == {**created, "status": "INACTIVE"}
    bad = client.put(
        f"{FS}/reply-titles/{created['id']}/status", json={"status": "OFF"}, user="alice"
    )
    assert _errors(bad) == {"status"}
    assert client.post(f"{FS}/reply-titles", json={"title": "x"}, user="carol").status_code == 403
    assert _errors(client.post(f"{FS}/reply-titles", json={}, user="alice")) == {"title"}
    body = {"titleId": created["id"], "message": "{greeting} Your refund is on its way."}
    message = client.post(f"{FS}/reply-messages", json=body, user="alice").json()
    assert message["id"].startswith("rm-") and message["titleId"] == created["id"]
    changed = client.put(
        f"{FS}/reply-messages/{message['id']}", json={"message": "Updated"}, user="alice"
    ).json()
    assert changed == {**message, "message": "Updated"}
    assert client.get(f"{FS}/reply-messages/{message['id']}").json() == changed
    listed = client.get(f"{FS}/reply-messages?titleId={created['id']}").json()
    assert listed == [changed]
    unknown = client.post(f"{FS}/reply-messages", json={**body, "titleId": "rt-999"}, user="alice")
    assert _errors(unknown) == {"titleId"}
    assert (
        client.put(f"{FS}/reply-messages/{message['id']}", json={"message": "x"}).status_code == 403
    )
    assert client.get(f"{FS}/reply-messages/rm-999").status_code == 404
