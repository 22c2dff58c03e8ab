"""Two app nodes (gunicorn, two processes each) on one PostgreSQL and one Redis, one sandbox.

What one officer's browser does on node A must hold on node B: the session, the gateway token
and its single refresh, the sign-in throttle, a form's one-time token, a four-eyes decision.
Everything is driven over HTTP and checked in what the sandbox holds and what the audit says.
"""

from __future__ import annotations

import csv
import http.client
import io
import re
import secrets
import socket
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg
import pytest
import requests

from sandbox.server import RunningSandbox
from tests.e2e.support import (
    CUSTOMERS_PREFIX,
    TIMEOUT,
    StaffClient,
    csrf_token,
    form_fields,
    gateway_call,
    post_form,
    subtitle,
)
from tests.production.conftest import Cluster
from tests.production.nodes import METRICS_TOKEN, Node

FINSUPPORT = "/finsupport/1.0.0"
CAROLS_TICKET = "t-00001"
# Seeded customers no other test in this module writes to.
HELD_TWICE = "c-00100"  # under verification
APPROVED_OR_REJECTED = "c-00101"  # verified

T = TypeVar("T")


# ---- helpers ----------------------------------------------------------------------------------


def signed_in(node: Node, username: str) -> StaffClient:
    client = StaffClient(node.url)
    response = client.sign_in(username)
    assert response.status_code == 302, response.text
    return client


def same_browser_on(client: StaffClient, node: Node) -> StaffClient:
    """The same browser (cookie jar) talking to another node."""
    other = StaffClient(node.url)
    other.http = client.http
    return other


def at_once(*calls: Callable[[], T]) -> list[T]:
    """Run the calls on threads released together; their results in the order given."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], T]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except BaseException as error:  # reported on the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * TIMEOUT)
    if errors:
        raise errors[0]
    return results


def followed(client: StaffClient, path: str) -> tuple[int, list[str], str]:
    """GET ``path`` and follow redirects as a browser would: (final status, locations, text)."""
    locations: list[str] = []
    response = client.get(path)
    while response.status_code in (301, 302, 303) and len(locations) < 5:
        locations.append(response.headers["Location"])
        response = client.get(locations[-1])
    return response.status_code, locations, response.text


def page_message(page: str) -> str:
    """The banner or heading a person would read first, for failure messages."""
    found = re.search(r'role="alert"[^>]*>(.*?)</', page, re.S) or re.search(
        r"<h1[^>]*>(.*?)</h1>", page, re.S
    )
    return " ".join(found.group(1).split()) if found else page[:200]


def used_refresh_tokens(running: RunningSandbox, user_id: str) -> int:
    """Refresh tokens of this user the sandbox has redeemed (it revokes each one it takes)."""
    with running.app.store.read() as connection:
        row = connection.execute(
            "SELECT COUNT(*) FROM tokens WHERE kind = 'refresh' AND revoked = 1 AND user_id = ?",
            (user_id,),
        ).fetchone()
    return int(row[0])


def gateway_requests(running: RunningSandbox) -> int:
    return int(requests.get(running.url + "/_sandbox/stats", timeout=TIMEOUT).json()["requests"])


def audit_rows(client: StaffClient, target: str, action: str) -> list[dict[str, str]]:
    """The audit records of one action on one target, from the CSV export."""
    response = client.get(f"/audit/export.csv?target={target}")
    assert response.status_code == 200, response.text
    return [row for row in csv.DictReader(io.StringIO(response.text)) if row["action"] == action]


def customer_at_gateway(running: RunningSandbox, customer_id: str) -> dict[str, Any]:
    response = gateway_call(running, "GET", f"{CUSTOMERS_PREFIX}/{customer_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def request_status_change(client: StaffClient, customer_id: str, status: str) -> int:
    """Ask for a status change that four-eyes holds; returns the pending request's id."""
    action = f"/customers/{customer_id}/actions/status/"
    page = client.get(f"/customers/{customer_id}/")
    assert page.status_code == 200, page.text
    fields = {**form_fields(page.text, action), "status": status, "reason": "Fraud ring"}
    response = post_form(client, action, fields)
    assert response.status_code == 302, response.text
    approvals = client.get("/approvals/").text
    pending = re.findall(r'data-testid="pending-(\d+)"', approvals)
    assert pending, "the change was not held for approval"
    return max(int(pk) for pk in pending)


def decide(client: StaffClient, change_id: int, decision: str, **values: str) -> Callable[[], int]:
    """A decision filled in on the decision screen, ready to post: call it for the status."""
    screen = client.get(f"/approvals/{change_id}/")
    assert screen.status_code == 200, screen.text
    path = f"/approvals/{change_id}/{decision}/"
    fields = {**form_fields(screen.text, path), **values}
    return lambda: post_form(client, path, fields).status_code


# ---- sessions ---------------------------------------------------------------------------------


def test_parallel_first_sign_ins_on_both_nodes_all_give_usable_sessions(nodes: Cluster) -> None:
    # The first test of the module: carol is not yet known to the app (no staff record).
    with psycopg.connect(nodes.database_url) as connection:
        known = connection.execute(
            "SELECT COUNT(*) FROM backoffice_staffmember WHERE gateway_user_id = 'u-carol'"
        ).fetchone()
    assert known == (0,), "carol signed in earlier: this test must run first in its module"
    browsers = [StaffClient(node.url) for node in (*nodes.nodes, *nodes.nodes, *nodes.nodes)]
    forms = [browser.get("/login/") for browser in browsers]

    def post_sign_in(browser: StaffClient, form: requests.Response) -> int:
        return browser.http.post(
            browser.base_url + "/login/",
            data={
                "csrfmiddlewaretoken": csrf_token(form.text),
                "username": "carol",
                "password": "carol-sandbox",
            },
            headers={"Referer": browser.base_url + "/login/"},
            allow_redirects=False,
            timeout=TIMEOUT,
        ).status_code

    statuses = at_once(
        *[
            (lambda b=browser, f=form: post_sign_in(b, f))
            for browser, form in zip(browsers, forms, strict=True)
        ]
    )

    assert statuses == [302] * len(browsers)
    for browser in browsers:  # each session goes on, on its own node and on the other one
        for node in nodes.nodes:
            page = same_browser_on(browser, node).get("/tickets/")
            assert page.status_code == 200, page.headers.get("Location")
    with psycopg.connect(nodes.database_url) as connection:
        mirrored = connection.execute(
            "SELECT COUNT(*) FROM backoffice_staffmember WHERE gateway_user_id = 'u-carol'"
        ).fetchone()
    assert mirrored == (1,)


def test_a_session_signed_in_on_one_node_continues_on_the_other(nodes: Cluster) -> None:
    on_a = signed_in(nodes.node_a, "bob")
    on_b = same_browser_on(on_a, nodes.node_b)

    page = on_b.get("/customers/?status=verified")

    assert page.status_code == 200, page.headers.get("Location")
    assert subtitle(page.text).startswith("Verified · ")
    # Signing out on B ends the session on A too.
    cookies_before = on_a.http.cookies.get_dict()
    signed_out = on_b.http.post(
        nodes.node_b.url + "/logout/",
        data={"csrfmiddlewaretoken": csrf_token(page.text)},
        headers={"Referer": nodes.node_b.url + "/customers/"},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert signed_out.status_code == 302
    # The old session cookie (another tab, say) is dead on A too, whichever process answers.
    for _ in range(4):
        tab = StaffClient(nodes.node_a.url)
        tab.http.cookies.update(cookies_before)
        after = tab.get("/customers/")
        assert after.status_code == 302
        assert after.headers["Location"].startswith("/login/")


def test_a_lapsed_token_is_refreshed_once_per_session_across_nodes_and_nobody_is_signed_out(
    nodes: Cluster,
) -> None:
    people = {"bob": "u-bob", "erin": "u-erin"}
    browsers = {name: signed_in(nodes.node_a, name) for name in people}
    for browser in browsers.values():
        for node in nodes.nodes:
            assert same_browser_on(browser, node).get("/customers/").status_code == 200
    used_before = {name: used_refresh_tokens(nodes.sandbox, user) for name, user in people.items()}
    expired = requests.post(nodes.sandbox.url + "/_sandbox/tokens/expire", timeout=TIMEOUT)
    assert expired.json()["expired"] >= len(people)

    statuses = ["new", "verified", "dispute"]
    requests_in_flight = [
        (name, node, status) for name in people for node in nodes.nodes for status in statuses
    ]
    outcomes = at_once(
        *[
            (
                lambda b=browsers[name], n=node, s=status: followed(
                    same_browser_on(b, n), f"/customers/?status={s}"
                )
            )
            for name, node, status in requests_in_flight
        ]
    )

    for (name, node, status), (code, locations, page) in zip(
        requests_in_flight, outcomes, strict=True
    ):
        assert code == 200, (
            f"{name} on node {node.name} ({status}): {code} via {locations}: "
            f"{page_message(page)}\n{node.log()[-3000:]}"
        )
        assert not any(place.startswith("/login/") for place in locations), (name, locations)
    for name, user in people.items():
        assert used_refresh_tokens(nodes.sandbox, user) == used_before[name] + 1, name
        for node in nodes.nodes:  # still signed in, on the new token, everywhere
            assert followed(same_browser_on(browsers[name], node), "/customers/")[0] == 200


# ---- sign-in throttle -------------------------------------------------------------------------


def test_failed_sign_ins_on_one_node_count_on_the_other(nodes: Cluster) -> None:
    limit = 5  # LOGIN_FAILURE_LIMIT in the nodes' environment
    for attempt in range(limit):
        node = nodes.nodes[attempt % 2]
        refused = StaffClient(node.url).sign_in("carol", "not-her-password")
        assert refused.status_code != 302, f"attempt {attempt + 1} on node {node.name}"

    before = gateway_requests(nodes.sandbox)
    for node in nodes.nodes:
        # The right password now: refused on both nodes, and never checked at the gateway.
        client = StaffClient(node.url)
        locked = client.sign_in("carol")
        assert locked.status_code != 302, f"node {node.name} let carol in"
        assert client.get("/tickets/").status_code == 302
    assert gateway_requests(nodes.sandbox) == before


# ---- one-time form tokens ---------------------------------------------------------------------


def test_the_same_form_posted_to_both_nodes_at_once_reaches_the_gateway_once(
    nodes: Cluster,
) -> None:
    carol = signed_in(nodes.node_a, "carol")
    action = f"/tickets/{CAROLS_TICKET}/note/send/"
    page = carol.get(f"/tickets/{CAROLS_TICKET}/")
    assert page.status_code == 200, page.text
    text = f"Called the customer back {secrets.token_hex(4)}"
    fields = {**form_fields(page.text, action), "note-text": text}
    browsers = [same_browser_on(carol, node) for node in (*nodes.nodes, *nodes.nodes)]

    statuses = at_once(
        *[(lambda b=browser: post_form(b, action, fields).status_code) for browser in browsers]
    )

    assert statuses.count(302) == 1, statuses
    assert all(status < 500 for status in statuses), statuses
    notes = gateway_call(
        nodes.sandbox, "GET", f"{FINSUPPORT}/ticket/{CAROLS_TICKET}/notes", username="carol"
    ).json()
    assert [note["note"] for note in notes].count(text) == 1
    alice = signed_in(nodes.node_b, "alice")
    records = audit_rows(alice, CAROLS_TICKET, "ticket.note")
    assert len([row for row in records if text in str(row)]) == 1, records


# ---- four-eyes --------------------------------------------------------------------------------


def test_two_checkers_approving_on_two_nodes_at_once_apply_the_change_once(
    nodes: Cluster,
) -> None:
    bob = signed_in(nodes.node_a, "bob")
    change_id = request_status_change(bob, HELD_TWICE, "blacklisted")
    alice, erin = signed_in(nodes.node_a, "alice"), signed_in(nodes.node_b, "erin")

    statuses = at_once(
        decide(alice, change_id, "approve", confirm="on"),
        decide(erin, change_id, "approve", confirm="on"),
    )

    assert sorted(statuses)[0] == 302 and statuses.count(302) == 1, statuses
    assert all(status < 500 for status in statuses), statuses
    assert customer_at_gateway(nodes.sandbox, HELD_TWICE)["customerStatus"] == "blacklisted"
    approvals = audit_rows(bob, HELD_TWICE, "approval.approved")
    assert len(approvals) == 1, approvals
    sent = audit_rows(bob, HELD_TWICE, "customer.status")
    assert len(sent) == 1, sent


def test_an_approval_and_a_rejection_on_two_nodes_at_once_resolve_to_one_of_them(
    nodes: Cluster,
) -> None:
    bob = signed_in(nodes.node_b, "bob")
    before = customer_at_gateway(nodes.sandbox, APPROVED_OR_REJECTED)["customerStatus"]
    change_id = request_status_change(bob, APPROVED_OR_REJECTED, "blacklisted")
    alice, erin = signed_in(nodes.node_a, "alice"), signed_in(nodes.node_b, "erin")

    approved, rejected = at_once(
        decide(alice, change_id, "approve", confirm="on"),
        decide(erin, change_id, "reject", note="Not enough evidence"),
    )

    assert sorted([approved, rejected])[0] == 302, (approved, rejected)
    assert [approved, rejected].count(302) == 1, (approved, rejected)
    status_now = customer_at_gateway(nodes.sandbox, APPROVED_OR_REJECTED)["customerStatus"]
    approvals = audit_rows(bob, APPROVED_OR_REJECTED, "approval.approved")
    rejections = audit_rows(bob, APPROVED_OR_REJECTED, "approval.rejected")
    if approved == 302:
        assert (status_now, len(approvals), len(rejections)) == ("blacklisted", 1, 0)
    else:
        assert (status_now, len(approvals), len(rejections)) == (before, 0, 1)


@pytest.fixture(autouse=True)
def _nodes_still_serving(nodes: Cluster) -> None:
    for node in nodes.nodes:
        assert node.process.poll() is None, f"node {node.name} died:\n{node.log()}"


# ---- connection limits ------------------------------------------------------------------------


def _answer(connection: socket.socket) -> int:
    response = http.client.HTTPResponse(connection)
    response.begin()
    response.read()
    assert not response.will_close, "the node closed a keep-alive connection"
    return response.status


def test_a_node_keeps_five_hundred_browsers_connections_open_and_answers_every_one(
    nodes: Cluster,
) -> None:
    node = nodes.node_a
    request = (
        b"GET /static/css/backoffice.css HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Connection: keep-alive\r\n\r\n"
    )
    connections = [
        socket.create_connection(("127.0.0.1", node.port), timeout=TIMEOUT) for _ in range(500)
    ]
    try:
        for _round in range(2):  # the second round on the same, still open connections
            for connection in connections:
                connection.sendall(request)
            statuses = [_answer(connection) for connection in connections]
            assert statuses == [200] * len(connections)
    finally:
        for connection in connections:
            connection.close()


# ---- metrics ----------------------------------------------------------------------------------


def _sign_in_pages_counted(node: Node) -> float:
    response = requests.get(
        node.url + "/metrics",
        headers={"Authorization": f"Bearer {METRICS_TOKEN}", "Connection": "close"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text
    counts = re.findall(
        r'^backoffice_request_seconds_count\{[^}]*view="login"[^}]*\} ([0-9.e+]+)$',
        response.text,
        re.M,
    )
    return sum(float(count) for count in counts)


def test_a_nodes_metrics_add_up_every_worker_process(nodes: Cluster) -> None:
    node = nodes.node_b
    before = _sign_in_pages_counted(node)
    pages = 24
    for _ in range(pages):  # a new connection each, so both of the node's workers take some
        response = requests.get(
            node.url + "/login/", headers={"Connection": "close"}, timeout=TIMEOUT
        )
        assert response.status_code == 200

    # Whichever worker answers the scrape, it reports the node's total.
    for _ in range(4):
        assert _sign_in_pages_counted(node) - before >= pages
