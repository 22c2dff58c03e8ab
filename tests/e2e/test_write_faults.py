"""Every write form against a gateway that fails, answers late or drops the connection.

Each case is one write form of the back office; each fault is one way the sandbox misbehaves
on that form's gateway call. After each, the test asserts from what the sandbox holds and from
the audit trail: every success exactly once, nothing applied twice, the audit equal to the
gateway, and what was typed on screen after every failure.

The app's read timeout is short here (0.8 s) and the sandbox answers late by 1.6 s, so
"answered after the client gave up" takes seconds, not tens of seconds.
"""

from __future__ import annotations

import html
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import requests

from backoffice.models import AuditRecord
from sandbox.server import RunningSandbox
from tests.e2e.app_process import AppProcess
from tests.e2e.support import (
    CUSTOMERS_PREFIX,
    WRITES,
    PrivateBackoffice,
    SandboxFaults,
    SandboxStopper,
    StaffClient,
    form_fields,
    post_form,
    start_sandbox,
)

FINSUPPORT = "/finsupport/1.0.0"
CUSTOMER = "c-00100"
TICKET = "t-00001"  # carol's, assigned to her
READ_TIMEOUT = 0.8  # short, yet long enough for a read on a busy two-core machine
LATE_MS = 1600
# Longer than the sandbox takes to apply a late write: "not found" before that is not "not applied".
SETTLE_SECONDS = 2.6
APPLIED = ("ok", "reconciled: applied")

Desk = PrivateBackoffice


def marker() -> str:
    return uuid.uuid4().hex[:10]


@dataclass(frozen=True)
class WriteForm:
    """One write form: where it is, what to type, and how to count its write at the gateway."""

    name: str
    username: str
    page: str
    action: str
    audit_action: str
    gateway_path: str  # the write's gateway path (where faults are injected)
    fill: Callable[[str, dict[str, str]], dict[str, str]]  # (marker, form as shown) → typed
    typed: Callable[[str], str]  # what must be on screen after a failure ("": hidden fields only)
    # How many times the write is at the gateway (for a value: 1 if the gateway holds it).
    count: Callable[[Desk, str, dict[str, str]], int]
    files: bool = False
    fresh_ticket: bool = False  # paths name "{ticket}": a ticket opened for the test

    def typed_fields(self, page: str, mark: str) -> dict[str, str]:
        shown = form_fields(page, self.action)
        return {**shown, **self.fill(mark, shown)}


def _customer(desk: Desk) -> dict[str, Any]:
    return dict(desk.gateway_json(f"{CUSTOMERS_PREFIX}/{CUSTOMER}"))


def _thread(desk: Desk, part: str) -> list[dict[str, Any]]:
    return list(desk.gateway_json(f"{FINSUPPORT}/ticket/{TICKET}/{part}", username="carol"))


def _created_customers(desk: Desk, name: str) -> int:
    answer = desk.gateway(
        "POST",
        f"{CUSTOMERS_PREFIX}/getByCustomerStatus/new",
        json={"type": "", "created": "", "status": "new", "pageNumber": 1, "pageSize": 200},
    ).json()
    return sum(1 for c in answer["customers"] if c.get("customerName") == name)


def _customer_tickets(desk: Desk, title: str) -> int:
    answer = desk.gateway_json(
        f"{FINSUPPORT}/tickets/customer/{CUSTOMER}?pageNumber=1&pageSize=100", username="alice"
    )
    return sum(1 for t in answer["tickets"] if t["title"] == title)


def _first_title_id(page: str) -> str:
    found = re.search(r'action="/tickets/replies/titles/(rt-\d+)/messages/"', page)
    assert found, "no canned message form on the replies page"
    return found.group(1)


def _message_form_action(page: str) -> str:
    return f"/tickets/replies/titles/{_first_title_id(page)}/messages/"


FORMS = [
    WriteForm(
        "customer revision",
        "bob",
        f"/customers/{CUSTOMER}/",
        f"/customers/{CUSTOMER}/actions/revision/",
        "customer.revision",
        f"{CUSTOMERS_PREFIX}/{CUSTOMER}/revisions",
        lambda m, _: {"comment": f"Fault {m}", "changes": f"person.email: f{m}@example.org"},
        lambda m: f"Fault {m}",
        lambda desk, m, _: sum(r["comment"] == f"Fault {m}" for r in _customer(desk)["revisions"]),
    ),
    WriteForm(
        "customer address",
        "bob",
        f"/customers/{CUSTOMER}/address/new/",
        f"/customers/{CUSTOMER}/address/new/",
        "customer.address",
        f"{CUSTOMERS_PREFIX}/{CUSTOMER}/address",
        lambda m, _: {
            "address_purpose": "postal",
            "country": "AT",
            "city": "Wien",
            "zip_code": "1010",
            "street": f"Faultgasse {m}",
            "street_number": "1",
        },
        lambda m: f"Faultgasse {m}",
        lambda desk, m, _: sum(
            (a.get("address") or {}).get("street") == f"Faultgasse {m}"
            for a in _customer(desk)["person"].get("addresses") or []
        ),
    ),
    WriteForm(
        "customer documents",
        "bob",
        f"/customers/{CUSTOMER}/documents/new/",
        f"/customers/{CUSTOMER}/documents/new/",
        "customer.documents",
        f"{CUSTOMERS_PREFIX}/{CUSTOMER}/documents",
        lambda m, _: {
            "documents-0-purpose": "KYC",
            "documents-0-document_type": "Passport",
            "documents-0-name": f"fault-{m}.pdf",
        },
        lambda m: f"fault-{m}.pdf",
        lambda desk, m, _: sum(
            d.get("name") == f"fault-{m}.pdf"
            for d in _customer(desk)["person"].get("documents") or []
        ),
    ),
    WriteForm(
        "new customer",
        "bob",
        "/customers/new/",
        "/customers/new/",
        "customer.create",
        f"{CUSTOMERS_PREFIX}/create",
        lambda m, _: {
            "customer_type": "Person",
            "customer_name": f"Fault {m}",
            "first_name": "Fault",
            "last_name": m,
        },
        lambda m: f"Fault {m}",
        lambda desk, m, _: _created_customers(desk, f"Fault {m}"),
    ),
    WriteForm(
        "ticket reply with a file",
        "carol",
        f"/tickets/{TICKET}/",
        f"/tickets/{TICKET}/reply/send/",
        "ticket.reply",
        f"{FINSUPPORT}/ticket/{TICKET}/assignee-reply",
        lambda m, _: {"reply-text": f"Fault reply {m}"},
        lambda m: f"Fault reply {m}",
        lambda desk, m, _: sum(
            r["message"] == f"Fault reply {m}" for r in _thread(desk, "replies")
        ),
        files=True,
    ),
    WriteForm(
        "ticket note",
        "carol",
        f"/tickets/{TICKET}/",
        f"/tickets/{TICKET}/note/send/",
        "ticket.note",
        f"{FINSUPPORT}/ticket/{TICKET}/assignee-note",
        lambda m, _: {"note-text": f"Fault note {m}"},
        lambda m: f"Fault note {m}",
        lambda desk, m, _: sum(n["note"] == f"Fault note {m}" for n in _thread(desk, "notes")),
    ),
    WriteForm(
        "new ticket",
        "alice",
        f"/tickets/new/?customer={CUSTOMER}",
        "/tickets/new/",
        "ticket.create",
        f"{FINSUPPORT}/ticket/new",
        lambda m, _: {"title": f"Fault {m}", "description": f"Opened by the fault suite {m}"},
        lambda m: f"Opened by the fault suite {m}",
        lambda desk, m, _: _customer_tickets(desk, f"Fault {m}"),
    ),
    WriteForm(
        "canned reply title",
        "alice",
        "/tickets/replies/",
        "/tickets/replies/titles/",
        "ticket.reply_title.create",
        f"{FINSUPPORT}/reply-titles",
        lambda m, _: {"new-title-title": f"Fault {m}"},
        lambda m: f"Fault {m}",
        lambda desk, m, _: sum(
            t["title"] == f"Fault {m}"
            for t in desk.gateway_json(f"{FINSUPPORT}/reply-titles", username="alice")
        ),
    ),
]


class CannedMessageForm(WriteForm):
    """The first title's "add message" form: its action and field names carry the title id."""

    def typed_fields(self, page: str, mark: str) -> dict[str, str]:
        action = _message_form_action(page)
        shown = form_fields(page, action)
        return {**shown, f"message-{_first_title_id(page)}-message": f"Fault message {mark}"}


FORMS.append(
    CannedMessageForm(
        "canned message",
        "alice",
        "/tickets/replies/",
        "",
        "ticket.reply_message.create",
        f"{FINSUPPORT}/reply-messages",
        lambda m, _: {},
        lambda m: f"Fault message {m}",
        lambda desk, m, _: sum(
            r["message"] == f"Fault message {m}"
            for r in desk.gateway_json(f"{FINSUPPORT}/reply-messages", username="alice")
        ),
    )
)


# Forms that set a value: "applied" is the gateway holding the value typed (each test types one
# the gateway does not hold yet). One-way ticket actions (escalate, close, complete, follow)
# are left out: they cannot be undone between tests.
VALUES_ON = "c-00103"  # KYC pending, PEP not checked: no change here needs a second officer
ALICES = "t-00005"
_days = count(1)


def _other(current: str, *choices: str) -> str:
    return next(choice for choice in choices if choice != current)


def _values_customer(desk: Desk) -> dict[str, Any]:
    return dict(desk.gateway_json(f"{CUSTOMERS_PREFIX}/{VALUES_ON}"))


def _alices_ticket(desk: Desk) -> dict[str, Any]:
    return dict(desk.gateway_json(f"{FINSUPPORT}/ticket/{ALICES}", username="alice"))


def _titles(desk: Desk) -> list[dict[str, Any]]:
    return list(desk.gateway_json(f"{FINSUPPORT}/reply-titles", username="alice"))


def _check_form(check: str, value: str) -> WriteForm:
    field_name = "kycConfirmation" if check == "kyc" else "pepCheckStatus"
    return WriteForm(
        f"customer {check.upper()} check",
        "bob",
        f"/customers/{VALUES_ON}/",
        f"/customers/{VALUES_ON}/actions/{check}/",
        f"customer.{check}",
        f"{CUSTOMERS_PREFIX}/{VALUES_ON}/{field_name}",
        lambda m, _: {check: value, "comment": f"Checked {m}"},
        lambda m: f"Checked {m}",
        lambda desk, m, _: int(_values_customer(desk)[field_name]["comment"] == f"Checked {m}"),
    )


VALUE_FORMS = [
    WriteForm(
        "customer status with a reason",
        "bob",
        f"/customers/{VALUES_ON}/",
        f"/customers/{VALUES_ON}/actions/status/",
        "customer.status",
        f"{CUSTOMERS_PREFIX}/update/{VALUES_ON}/status/",
        lambda m, shown: {
            "status": _other(shown["seen_status"], "on_hold", "dispute"),
            "reason": f"Reason {m}",
        },
        lambda m: f"Reason {m}",
        lambda desk, m, typed: int(_values_customer(desk)["customerStatus"] == typed["status"]),
    ),
    _check_form("kyc", "pending"),
    _check_form("pep", "clear"),
    WriteForm(
        "customer edit",
        "bob",
        f"/customers/{VALUES_ON}/edit/",
        f"/customers/{VALUES_ON}/edit/",
        "customer.update",
        f"{CUSTOMERS_PREFIX}/update/{VALUES_ON}",
        lambda m, _: {"email": f"f{m}@example.org"},
        lambda m: f"f{m}@example.org",
        lambda desk, m, _: int(_values_customer(desk)["person"]["email"] == f"f{m}@example.org"),
    ),
    WriteForm(
        "ticket status",
        "alice",
        f"/tickets/{ALICES}/",
        f"/tickets/{ALICES}/actions/status/",
        "ticket.status",
        f"{FINSUPPORT}/ticket/{ALICES}/admin-status",
        lambda m, shown: {
            "status-status": _other(shown["status-status"], "IN_PROGRESS", "ON_HOLD")
        },
        lambda m: "",
        lambda desk, m, typed: int(_alices_ticket(desk)["status"] == typed["status-status"]),
    ),
    WriteForm(
        "ticket assignee",
        "alice",
        f"/tickets/{ALICES}/",
        f"/tickets/{ALICES}/actions/assign/",
        "ticket.assign",
        f"{FINSUPPORT}/ticket/{ALICES}/assignee",
        lambda m, shown: {
            "assign-assignee": _other(shown["assign-assignee"], "u-alice", "u-carol")
        },
        lambda m: "",
        lambda desk, m, typed: int(_alices_ticket(desk)["assigneeId"] == typed["assign-assignee"]),
    ),
    WriteForm(
        "ticket start date",
        "alice",
        f"/tickets/{ALICES}/",
        f"/tickets/{ALICES}/actions/start_date/",
        "ticket.start_date",
        f"{FINSUPPORT}/ticket/{ALICES}/start-date",
        lambda m, _: {
            "start_date-start_date": (date(2027, 1, 1) + timedelta(days=next(_days))).isoformat()
        },
        lambda m: "",
        lambda desk, m, typed: int(
            str(_alices_ticket(desk)["startDate"])[:10] == typed["start_date-start_date"]
        ),
    ),
    WriteForm(
        "ticket edit",
        "alice",
        f"/tickets/{ALICES}/",
        f"/tickets/{ALICES}/actions/edit/",
        "ticket.edit",
        f"{FINSUPPORT}/ticket/{ALICES}",
        lambda m, _: {"edit-title_text": f"Fault {m}"},
        lambda m: f"Fault {m}",
        lambda desk, m, _: int(_alices_ticket(desk)["title"] == f"Fault {m}"),
    ),
    WriteForm(
        "canned title status",
        "alice",
        "/tickets/replies/",
        "/tickets/replies/titles/rt-001/status/",
        "ticket.reply_title.status",
        f"{FINSUPPORT}/reply-titles/rt-001/status",
        lambda m, _: {},
        lambda m: "",
        lambda desk, m, typed: int(
            any(
                t["id"] == "rt-001" and t["status"] == typed["status-rt-001-status"]
                for t in _titles(desk)
            )
        ),
    ),
    WriteForm(
        "canned message edit",
        "alice",
        "/tickets/replies/messages/rm-001/edit/",
        "/tickets/replies/messages/rm-001/edit/",
        "ticket.reply_message.update",
        f"{FINSUPPORT}/reply-messages/rm-001",
        lambda m, _: {"edit-rm-001-message": f"Fault message {m}"},
        lambda m: f"Fault message {m}",
        lambda desk, m, _: int(
            desk.gateway_json(f"{FINSUPPORT}/reply-messages/rm-001", username="alice")["message"]
            == f"Fault message {m}"
        ),
    ),
]
FORMS += VALUE_FORMS

# One-way ticket actions (escalate, close, complete, follow): each test works on a ticket the
# gateway opens for it, whose id replaces "{ticket}" in the form's paths.
_fresh_ticket = {"id": ""}


def open_fresh_ticket(desk: Desk) -> str:
    answer = desk.gateway(
        "POST",
        f"{FINSUPPORT}/ticket/new",
        username="alice",
        json={
            "title": f"Fresh {marker()}",
            "description": "Opened for one fault test",
            "category": "PAYMENTS",
            "priority": "LOW",
            "customerId": CUSTOMER,
            "assigneeId": "u-alice",
        },
    )
    assert answer.status_code == 200, answer.text
    _fresh_ticket["id"] = str(answer.json()["id"])
    return _fresh_ticket["id"]


def _fresh(desk: Desk) -> dict[str, Any]:
    path = f"{FINSUPPORT}/ticket/{_fresh_ticket['id']}"
    return dict(desk.gateway_json(path, username="alice"))


def _one_way(
    action: str, endpoint: str, fill: dict[str, str], holds: Callable[..., bool]
) -> WriteForm:
    return WriteForm(
        f"ticket {action}",
        "alice",
        "/tickets/{ticket}/",
        f"/tickets/{{ticket}}/actions/{action}/",
        f"ticket.{action}",
        f"{FINSUPPORT}/ticket/{{ticket}}/{endpoint}",
        lambda m, _: {name: value.format(m=m) for name, value in fill.items()},
        lambda m: next(iter(fill.values()), "").format(m=m),
        lambda desk, m, _: int(holds(_fresh(desk), m)),
        fresh_ticket=True,
    )


FORMS += [
    _one_way(
        "escalate",
        "escalate",
        {"escalate-reason": "Escalated {m}"},
        lambda t, m: t["status"] == "ESCALATED" and t["escalationReason"] == f"Escalated {m}",
    ),
    _one_way(
        "close",
        "admin-close",
        {"close-reason": "Closed {m}"},
        lambda t, m: t["status"] == "CLOSED" and t["closeReason"] == f"Closed {m}",
    ),
    _one_way("complete", "admin-complete", {}, lambda t, m: t["status"] == "COMPLETED"),
    _one_way(
        "follow", "follower", {"follow-follower": "u-bob"}, lambda t, m: "u-bob" in t["followers"]
    ),
]


# ---- the desk: the live app on this module's own sandbox ----------------------------------------


@pytest.fixture(scope="module")
def fault_sandbox(
    sandbox_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    sandbox_stopper: SandboxStopper,
) -> Iterator[RunningSandbox]:
    """One sandbox for this module: every case writes under its own marker."""
    running = start_sandbox(sandbox_template, tmp_path_factory.mktemp("fault-sandbox"))
    yield running
    sandbox_stopper.stop(running)


@pytest.fixture
def desk(
    fault_sandbox: RunningSandbox,
    backoffice_on: Callable[[RunningSandbox], str],
    settings: Any,
    transactional_db: None,
) -> Iterator[Desk]:
    settings.GATEWAY_READ_TIMEOUT = READ_TIMEOUT
    settings.GATEWAY_WRITE_SETTLE_SECONDS = SETTLE_SECONDS
    private = PrivateBackoffice(fault_sandbox, backoffice_on(fault_sandbox))
    yield private
    SandboxFaults(fault_sandbox).clear()


@dataclass
class Attempt:
    """One officer filling in one form: what they typed, and the audit since they began."""

    desk: Desk
    form: WriteForm
    client: StaffClient
    mark: str = field(default_factory=marker)
    fields: dict[str, str] = field(default_factory=dict)
    action: str = ""
    audit_from: int = 0

    @property
    def page(self) -> str:
        return self.form.page.replace("{ticket}", _fresh_ticket["id"])

    @property
    def gateway_path(self) -> str:
        return self.form.gateway_path.replace("{ticket}", _fresh_ticket["id"])

    def open(self) -> None:
        if self.form.fresh_ticket:
            open_fresh_ticket(self.desk)
        page = self.client.get(self.page)
        assert page.status_code == 200, page.text[:500]
        action = self.form.action.replace("{ticket}", _fresh_ticket["id"])
        if self.form.fresh_ticket:
            self.fields = {**form_fields(page.text, action), **self.form.fill(self.mark, {})}
        else:
            self.fields = self.form.typed_fields(page.text, self.mark)
        self.action = action or _message_form_action(page.text)
        last = AuditRecord.objects.order_by("-id").first()
        self.audit_from = last.pk if last else 0

    def send(self, fields: dict[str, str] | None = None) -> requests.Response:
        files = None
        if self.form.files:
            files = [
                ("reply-attachments", ("proof.txt", f"proof {self.mark}\n".encode(), "text/plain"))
            ]
        return post_form(self.client, self.action, fields or self.fields, files=files)

    def send_again_from(self, answer: requests.Response) -> requests.Response:
        """What the officer does next: submit the form the answer showed them."""
        return self.send(form_fields(answer.text, self.action))

    def at_gateway(self) -> int:
        return self.form.count(self.desk, self.mark, self.fields)

    def audit(self) -> list[str]:
        return list(
            AuditRecord.objects.filter(pk__gt=self.audit_from, action=self.form.audit_action)
            .order_by("id")
            .values_list("outcome", flat=True)
        )

    def assert_audit_equals_gateway(self) -> None:
        applied = sum(outcome in APPLIED for outcome in self.audit())
        assert applied == self.at_gateway(), (self.audit(), self.at_gateway())

    def assert_typed_on_screen(self, answer: requests.Response) -> None:
        assert html.escape(self.form.typed(self.mark), quote=True) in answer.text
        shown = form_fields(answer.text, self.action)
        for name, value in self.fields.items():
            if not any(part in name for part in ("token", "seen_", "uploaded")):
                assert shown.get(name) == value, (name, value, shown.get(name))
        assert answer.headers["X-Request-ID"] in answer.text  # the banner's request id


@pytest.fixture
def attempt(desk: Desk) -> Callable[[WriteForm], Attempt]:
    def _attempt(form: WriteForm) -> Attempt:
        started = Attempt(desk, form, desk.staff(form.username))
        started.open()
        return started

    return _attempt


FORM_IDS = [form.name for form in FORMS]


@pytest.mark.parametrize("form", FORMS, ids=FORM_IDS)
def test_gateway_down(desk: Desk, attempt: Callable[[WriteForm], Attempt], form: WriteForm) -> None:
    officer = attempt(form)
    with desk.faults.down():
        failed = officer.send()
    assert failed.status_code == 502
    officer.assert_typed_on_screen(failed)
    assert officer.at_gateway() == 0
    assert not any(outcome in APPLIED for outcome in officer.audit())
    again = officer.send_again_from(failed)
    assert again.status_code == 302, again.text[:800]
    assert officer.at_gateway() == 1
    officer.assert_audit_equals_gateway()


@pytest.mark.parametrize("form", FORMS, ids=FORM_IDS)
def test_gateway_answers_503(
    desk: Desk, attempt: Callable[[WriteForm], Attempt], form: WriteForm
) -> None:
    officer = attempt(form)
    desk.faults.fail(officer.gateway_path, methods=WRITES, count=1)
    failed = officer.send()
    assert failed.status_code == 502
    officer.assert_typed_on_screen(failed)
    assert "Nothing was saved." in failed.text
    assert officer.at_gateway() == 0
    again = officer.send_again_from(failed)
    assert again.status_code == 302, again.text[:800]
    assert officer.at_gateway() == 1
    assert officer.audit() == ["GatewayUnavailable", "ok"]
    officer.assert_audit_equals_gateway()


@pytest.mark.parametrize("mode", ["applyThenDelay", "drop"])
@pytest.mark.parametrize("form", FORMS, ids=FORM_IDS)
def test_applied_but_the_answer_is_lost(
    desk: Desk, attempt: Callable[[WriteForm], Attempt], form: WriteForm, mode: str
) -> None:
    officer = attempt(form)
    desk.faults.inject(officer.gateway_path, mode=mode, methods=WRITES, count=1, latency_ms=LATE_MS)
    answer = officer.send()
    # Read back at once: found, so the officer is told it was saved.
    assert answer.status_code == 302, answer.text[:800]
    assert officer.audit() == ["outcome_unknown", "reconciled: applied"]
    again = officer.send()  # the same form, sent again
    assert again.status_code == 409
    assert "Already saved; nothing was sent again." in again.text
    assert officer.at_gateway() == 1
    officer.assert_audit_equals_gateway()


@pytest.mark.parametrize("form", FORMS, ids=FORM_IDS)
def test_applied_after_the_app_gave_up(
    desk: Desk, attempt: Callable[[WriteForm], Attempt], form: WriteForm
) -> None:
    officer = attempt(form)
    desk.faults.delay(officer.gateway_path, latency_ms=LATE_MS, methods=WRITES, count=1)
    started = time.monotonic()
    unknown = officer.send()
    assert unknown.status_code == 202, unknown.text[:800]
    assert "We don&#x27;t know yet whether it was saved" in unknown.text
    officer.assert_typed_on_screen(unknown)
    early = officer.send_again_from(unknown)
    assert early.status_code == 409
    # Still being checked, or (on a slow machine) already read back as saved: never sent.
    assert "we are checking" in early.text or "Already saved" in early.text
    time.sleep(max(0.0, LATE_MS / 1000 + 0.3 - (time.monotonic() - started)))
    # A busy machine may apply the late write a little later still: look again for a while,
    # each look a resubmit that must be refused without sending.
    for _ in range(20):
        assert officer.client.get(officer.page).status_code == 200  # the page, viewed again
        later = officer.send_again_from(unknown)
        assert later.status_code == 409
        if "Already saved" in later.text:
            break
        assert "we are checking" in later.text
        time.sleep(0.25)
    assert "Already saved; nothing was sent again." in later.text
    assert officer.at_gateway() == 1
    assert officer.audit() == ["outcome_unknown", "reconciled: applied"]
    officer.assert_audit_equals_gateway()


@pytest.mark.parametrize("form", FORMS, ids=FORM_IDS)
def test_connection_dropped_before_the_gateway_handled_it(
    desk: Desk, attempt: Callable[[WriteForm], Attempt], form: WriteForm
) -> None:
    officer = attempt(form)
    desk.faults.drop_before_apply(officer.gateway_path, methods=WRITES, count=1)
    unknown = officer.send()
    assert unknown.status_code == 202, unknown.text[:800]
    officer.assert_typed_on_screen(unknown)
    assert officer.at_gateway() == 0
    time.sleep(SETTLE_SECONDS + 0.1)
    # Not found once the gateway can no longer be applying it: "not applied", sent again.
    again = officer.send_again_from(unknown)
    assert again.status_code == 302, again.text[:800]
    assert officer.at_gateway() == 1
    assert officer.audit() == ["outcome_unknown", "reconciled: not applied", "ok"]
    officer.assert_audit_equals_gateway()


@pytest.mark.parametrize("form", FORMS, ids=FORM_IDS)
def test_double_submit(
    desk: Desk, attempt: Callable[[WriteForm], Attempt], form: WriteForm
) -> None:
    officer = attempt(form)
    first, second = officer.send(), officer.send()
    assert first.status_code == 302, first.text[:800]
    assert second.status_code == 409
    assert "Already saved; nothing was sent again." in second.text
    officer.assert_typed_on_screen(second)
    assert officer.at_gateway() == 1
    assert officer.audit() == ["ok"]


# ---- at the same moment: the app as deployed (waitress threads, its own SQLite file) ----------


def _signed_in(url: str, username: str) -> StaffClient:
    client = StaffClient(url)
    assert client.sign_in(username).status_code == 302
    return client


def _all_at_once(calls: list[Callable[[], requests.Response]]) -> list[requests.Response]:
    barrier = threading.Barrier(len(calls))
    answers: list[requests.Response | None] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(answer is not None for answer in answers)
    return [answer for answer in answers if answer is not None]


def _audit_count(client: StaffClient, target: str, action: str) -> int:
    page = client.get(f"/audit/?target={target}&action={action}").text
    found = re.search(r"Audit trail · (\d+) records?", page)
    assert found, page[:500]
    return int(found.group(1))


@pytest.fixture
def deployed(
    own_sandbox: Callable[..., RunningSandbox], app_process: Callable[..., AppProcess]
) -> tuple[Desk, str]:
    running = own_sandbox()
    app = app_process(running)
    return PrivateBackoffice(running, app.url), app.url


def test_the_same_form_sent_four_times_at_once_is_applied_once(deployed: tuple[Desk, str]) -> None:
    desk, url = deployed
    bob = _signed_in(url, "bob")
    form = FORMS[0]  # customer revision
    page = bob.get(form.page).text
    mark = marker()
    fields = form.typed_fields(page, mark)
    answers = _all_at_once([lambda: post_form(bob, form.action, fields) for _ in range(4)])
    assert sorted(a.status_code for a in answers) == [302, 409, 409, 409]
    assert form.count(desk, mark, fields) == 1
    assert _audit_count(bob, CUSTOMER, "customer.revision") == 1


def test_two_officers_at_once_each_write_once(deployed: tuple[Desk, str]) -> None:
    desk, url = deployed
    bob, erin = _signed_in(url, "bob"), _signed_in(url, "erin")
    carol, alice = _signed_in(url, "carol"), _signed_in(url, "alice")
    revision, reply = FORMS[0], FORMS[4]
    alice_reply = f"/tickets/{TICKET}/reply/send/"
    marks = [marker() for _ in range(4)]
    sends: list[Callable[[], requests.Response]] = []
    for client, form, mark in (
        (bob, revision, marks[0]),
        (erin, revision, marks[1]),
        (carol, reply, marks[2]),
        (alice, reply, marks[3]),
    ):
        fields = form.typed_fields(client.get(form.page).text, mark)
        sends.append(partial(post_form, client, form.action, fields))
    assert alice_reply == reply.action
    answers = _all_at_once(sends)
    assert [a.status_code for a in answers] == [302, 302, 302, 302]
    assert [revision.count(desk, m, {}) for m in marks[:2]] == [1, 1]
    assert [reply.count(desk, m, {}) for m in marks[2:]] == [1, 1]
    assert _audit_count(bob, CUSTOMER, "customer.revision") == 2
    assert _audit_count(bob, TICKET, "ticket.reply") == 2
