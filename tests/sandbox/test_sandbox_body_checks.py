"""Bad request bodies get a 400 that names the field, never a 500 or a silent bad write."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.sandbox.conftest import CUSTOMERS, GatewayClient

FS = "/finsupport/1.0.0"
NEW_TICKET = {
    "title": "Card blocked abroad",
    "description": "My card stopped working in Lisbon.",
    "category": "CARDS",
    "priority": "HIGH",
    "customerId": "c-00500",
    "assigneeId": "u-carol",
}
NOT_GIVEN_OR_WRONG_TYPE = [None, "", "   ", 5, True, [], ["u-carol"], {}, {"id": "u-carol"}]


def _error_fields(response: requests.Response) -> set[str]:
    assert response.status_code == 400, response.text
    return {error["field"] for error in response.json()["errors"]}


FIELDS_CHECKED = [
    ("POST", FS + "/reply-titles", "title"),
    ("PUT", FS + "/reply-titles/rt-001/status", "status"),
    ("PUT", FS + "/ticket/t-00001/admin-status", "status"),
    ("PUT", FS + "/ticket/t-00001/assignee-status", "status"),
    ("PUT", FS + "/ticket/t-00001/escalate", "reason"),
    ("PUT", FS + "/ticket/t-00001/admin-close", "reason"),
    ("POST", FS + "/ticket/t-00001/assignee", "assigneeId"),
    ("POST", FS + "/ticket/t-00001/follower", "followerId"),
    ("POST", CUSTOMERS + "/createList", "customers"),
    ("POST", CUSTOMERS + "/c-00105/documents", "documents"),
]


def _is_list_of_items(field: str, value: Any) -> bool:
    """A non-empty list for a list field is checked item by item, under customers[0] etc."""
    return field in ("customers", "documents") and isinstance(value, list) and bool(value)


@pytest.mark.parametrize(
    ("method", "path", "field", "value"),
    [
        pytest.param(method, path, field, value, id=f"{path}-{field}-{value!r}")
        for method, path, field in FIELDS_CHECKED
        for value in NOT_GIVEN_OR_WRONG_TYPE
        if not _is_list_of_items(field, value)
    ],
)
def test_a_missing_or_mistyped_field_is_a_400_naming_it(
    client: GatewayClient, method: str, path: str, field: str, value: Any
) -> None:
    response = client.call(method, path, json={field: value}, user="alice")
    assert _error_fields(response) == {field}


def test_a_blank_field_in_a_ticket_update_is_not_a_change(client: GatewayClient) -> None:
    """A whitespace-only title used to be stored, stripped to an empty title."""
    created = client.post(f"{FS}/ticket/new", json=NEW_TICKET, user="alice")
    assert created.status_code == 200, created.text
    before = created.json()
    url = f"{FS}/ticket/{before['id']}"
    assert _error_fields(client.put(url, json={"title": "   "}, user="alice")) == {"body"}
    assert _error_fields(client.put(url, json={"description": "\t\n"}, user="alice")) == {"body"}
    assert client.get(url).json() == before
    body = {"title": "  ", "description": " ", "priority": "LOW"}
    mixed = client.put(url, json=body, user="alice").json()
    assert mixed["priority"] == "LOW"
    assert mixed["title"] == before["title"] and mixed["description"] == before["description"]


def test_a_blank_message_in_a_canned_reply_update_is_not_a_change(
    client: GatewayClient,
) -> None:
    """A whitespace-only message used to replace the stored one."""
    title = client.post(f"{FS}/reply-titles", json={"title": "Blank check"}, user="alice").json()
    body = {"titleId": title["id"], "message": "Hello"}
    message = client.post(f"{FS}/reply-messages", json=body, user="alice").json()
    url = f"{FS}/reply-messages/{message['id']}"
    assert _error_fields(client.put(url, json={"message": "   "}, user="alice")) == {"body"}
    blank_both = {"titleId": " ", "message": ""}
    assert _error_fields(client.put(url, json=blank_both, user="alice")) == {"body"}
    assert client.get(url).json() == message
    moved = client.put(url, json={"titleId": "rt-002", "message": "  "}, user="alice").json()
    assert moved == {**message, "titleId": "rt-002"}
