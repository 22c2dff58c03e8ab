"""Shared by the end-to-end and browser tests: live sandbox gateways and a staff web client.

The fixtures defined here are imported by ``tests/e2e/conftest.py`` and
``tests/browser/conftest.py``. The sandbox database is seeded once per test session into a
template file; every sandbox serves its own copy of it, so one test's writes, faults or token
tricks never leak into another sandbox.
"""

from __future__ import annotations

import html
import os
import re
import struct
import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from backoffice.gateway.connection import gateway_client
from sandbox.app import create_app
from sandbox.server import RunningSandbox, start_in_thread
from sandbox.store import copy_database

TENANT = "finhub-demo"
OTHER_TENANT = "finhub-other"
CUSTOMERS_PREFIX = "/customer/2.0.0"
TIMEOUT = 15

# Explicit values, so SANDBOX_* variables in the environment cannot change what tests see.
QUIET_SANDBOX: dict[str, Any] = {
    "token_ttl": 3600,
    "refresh_ttl": 86400,
    "latency_ms": 0,
    "jitter_ms": 0,
    "error_rate": 0.0,
}


def password_of(username: str) -> str:
    return f"{username}-sandbox"


# ---- sandboxes ------------------------------------------------------------------------------


def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded sandbox database for this session, built on first use."""
    path = tmp_path_factory.getbasetemp() / "finhub-sandbox-template.sqlite3"
    if not path.exists():
        building = path.with_suffix(".building")
        create_app(str(building), **QUIET_SANDBOX).close()
        building.rename(path)
    return path


def start_sandbox(template: Path, directory: Path, **options: Any) -> RunningSandbox:
    """Serve a fresh copy of the template on a free port; ``options`` go to ``create_app``."""
    database = directory / "sandbox.sqlite3"
    copy_database(str(template), str(database))
    running = start_in_thread(str(database), **{**QUIET_SANDBOX, **options})
    health = requests.get(running.url + "/_sandbox/health", timeout=TIMEOUT)
    assert health.json() == {"status": "ok"}, health.text
    return running


def point_backoffice_at(settings: Any, running: RunningSandbox) -> None:
    """Send the app's gateway calls to ``running`` (through the ``settings`` fixture)."""
    settings.GATEWAY_URL = running.url
    settings.GATEWAY_TENANT_ID = TENANT
    settings.GATEWAY_RETRY_BACKOFF = 0
    gateway_client.cache_clear()


@pytest.fixture(scope="session")
def sandbox_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_template(tmp_path_factory)


class SandboxStopper:
    """Stops sandboxes on background threads: each stop waits out waitress's 1 s poll."""

    def __init__(self) -> None:
        self._threads: list[threading.Thread] = []

    def stop(self, running: RunningSandbox) -> None:
        thread = threading.Thread(target=running.stop, name="stop-sandbox", daemon=True)
        thread.start()
        self._threads.append(thread)

    def join(self) -> None:
        for thread in self._threads:
            thread.join(timeout=10)


@pytest.fixture(scope="session")
def sandbox_stopper() -> Iterator[SandboxStopper]:
    stopper = SandboxStopper()
    yield stopper
    stopper.join()


@pytest.fixture(scope="session")
def sandbox(
    sandbox_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    sandbox_stopper: SandboxStopper,
) -> Iterator[RunningSandbox]:
    """The session's shared sandbox gateway. Tests may inject faults but must clear them."""
    running = start_sandbox(sandbox_template, tmp_path_factory.mktemp("shared-sandbox"))
    yield running
    sandbox_stopper.stop(running)


@pytest.fixture
def own_sandbox(
    sandbox_template: Path, tmp_path: Path, sandbox_stopper: SandboxStopper
) -> Iterator[Callable[..., RunningSandbox]]:
    """Start a private sandbox with options (e.g. ``token_ttl=2``); stopped after the test."""
    started: list[RunningSandbox] = []

    def _start(**options: Any) -> RunningSandbox:
        running = start_sandbox(sandbox_template, tmp_path / f"sandbox-{len(started)}", **options)
        started.append(running)
        return running

    yield _start
    for running in started:
        sandbox_stopper.stop(running)


@pytest.fixture
def backoffice(live_server: Any, settings: Any, sandbox: RunningSandbox) -> str:
    """The app's base URL, served over real HTTP and talking to the shared sandbox."""
    point_backoffice_at(settings, sandbox)
    return str(live_server.url)


WRITES = ("POST", "PUT", "PATCH", "DELETE")


class SandboxFaults:
    """A sandbox's fault rules (``PUT``/``DELETE /_sandbox/faults``) and its on/off switch.

    Each helper adds or replaces the rule for its ``path_prefix`` (``None``: every path) and
    ``methods`` (``None``: every method; ``WRITES`` leaves reads working); ``count=N`` makes
    the rule apply to the next N matching requests only. See docs/gateway.md.
    """

    def __init__(self, running: RunningSandbox) -> None:
        self.running = running
        self.url = running.url + "/_sandbox/faults"

    def put(self, **rule: object) -> None:
        """A rule in the endpoint's own JSON keys (``latencyMs``, ``errorRate``, ``mode``…)."""
        response = requests.put(self.url, json=rule, timeout=TIMEOUT)
        assert response.status_code == 200, response.text

    def inject(
        self,
        path_prefix: str | None = None,
        *,
        mode: str = "delay",
        methods: Sequence[str] | None = None,
        count: int | None = None,
        latency_ms: int = 0,
        jitter_ms: int = 0,
        error_rate: float = 0.0,
        status_code: int = 503,
    ) -> None:
        self.put(
            pathPrefix=path_prefix,
            mode=mode,
            methods=list(methods) if methods is not None else None,
            count=count,
            latencyMs=latency_ms,
            jitterMs=jitter_ms,
            errorRate=error_rate,
            statusCode=status_code,
        )

    def fail(
        self,
        path_prefix: str | None = None,
        *,
        status_code: int = 503,
        methods: Sequence[str] | None = None,
        count: int | None = None,
    ) -> None:
        """Answer ``status_code`` without handling the request: nothing is applied."""
        self.inject(
            path_prefix, methods=methods, count=count, error_rate=1.0, status_code=status_code
        )

    def delay(
        self,
        path_prefix: str | None = None,
        *,
        latency_ms: int,
        methods: Sequence[str] | None = None,
        count: int | None = None,
    ) -> None:
        """Wait ``latency_ms``, then handle: applied even when the client gave up meanwhile."""
        self.inject(path_prefix, methods=methods, count=count, latency_ms=latency_ms)

    def apply_then_delay(
        self,
        path_prefix: str | None = None,
        *,
        latency_ms: int,
        methods: Sequence[str] | None = None,
        count: int | None = None,
    ) -> None:
        """Apply the request at once, answer ``latency_ms`` later (past a client's timeout)."""
        self.inject(
            path_prefix,
            mode="applyThenDelay",
            methods=methods,
            count=count,
            latency_ms=latency_ms,
        )

    def drop(
        self,
        path_prefix: str | None = None,
        *,
        methods: Sequence[str] | None = None,
        count: int | None = None,
    ) -> None:
        """Apply the request, then break the answer off mid-body (``ChunkedEncodingError``)."""
        self.inject(path_prefix, mode="drop", methods=methods, count=count)

    def drop_before_apply(
        self,
        path_prefix: str | None = None,
        *,
        methods: Sequence[str] | None = None,
        count: int | None = None,
    ) -> None:
        """Close the connection without handling the request (``ConnectionError``)."""
        self.inject(path_prefix, mode="dropBeforeApply", methods=methods, count=count)

    def rules(self) -> list[dict[str, Any]]:
        """The rules in force; a counted rule shows how many requests it has left."""
        response = requests.get(self.url, timeout=TIMEOUT)
        assert response.status_code == 200, response.text
        return list(response.json()["rules"])

    def down(self) -> AbstractContextManager[None]:
        """``with faults.down(): ...``: the gateway refuses connections inside the block."""
        return self.running.down()

    def clear(self) -> None:
        """Every rule removed and the gateway up again."""
        self.running.resume()
        response = requests.delete(self.url, timeout=TIMEOUT)
        assert response.json() == {"rules": []}, response.text


@pytest.fixture
def faults(sandbox: RunningSandbox) -> Iterator[SandboxFaults]:
    """Inject faults into the shared sandbox for one test; cleared (and back up) afterwards."""
    injector = SandboxFaults(sandbox)
    yield injector
    injector.clear()


# ---- talking to the sandbox directly ----------------------------------------------------------


def gateway_token(running: RunningSandbox, username: str = "bob", tenant: str = TENANT) -> str:
    response = requests.post(
        running.url + "/api/v2/auth/token",
        json={"username": username, "password": password_of(username)},
        headers={"X-Tenant-ID": tenant},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def gateway_call(
    running: RunningSandbox,
    method: str,
    path: str,
    *,
    username: str = "bob",
    tenant: str = TENANT,
    **kwargs: Any,
) -> requests.Response:
    """Call the sandbox's API directly, as a demo user, with a fresh token."""
    headers = {
        "Authorization": f"Bearer {gateway_token(running, username, tenant)}",
        "tenantId": tenant,
    }
    return requests.request(method, running.url + path, headers=headers, timeout=TIMEOUT, **kwargs)


def raw_customer(
    running: RunningSandbox, customer_id: str, *, username: str = "bob", tenant: str = TENANT
) -> dict[str, Any]:
    """The customer exactly as the gateway sends it, secret fields included."""
    response = gateway_call(
        running, "GET", f"{CUSTOMERS_PREFIX}/{customer_id}", username=username, tenant=tenant
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def secret_values(customer: dict[str, Any]) -> list[str]:
    """Every value the back office must never show: PIN, password, answers, 2FA codes."""
    person = customer.get("person") or {}
    twofa = customer.get("twofa") or {}
    secrets = [person.get("pinCode"), person.get("password")]
    secrets += [item.get("answer") for item in person.get("SecretQuestion") or []]
    secrets += [twofa.get("targetCode"), twofa.get("inputCode")]
    found = [str(value) for value in secrets if value]
    assert len(found) >= 5, f"the seed no longer carries the expected secrets: {customer}"
    return found


# ---- the back office over HTTP ----------------------------------------------------------------


class StaffClient:
    """A staff member's HTTP client: one cookie jar, redirects never followed implicitly."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        return self.http.get(self.base_url + path, timeout=TIMEOUT, **kwargs)

    def htmx_get(self, path: str, *, current_url: str = "", **kwargs: Any) -> requests.Response:
        headers = {"HX-Request": "true", "HX-Current-URL": self.base_url + (current_url or path)}
        headers.update(kwargs.pop("headers", {}))
        return self.get(path, headers=headers, **kwargs)

    def sign_in(
        self, username: str, password: str | None = None, *, next_url: str = ""
    ) -> requests.Response:
        """Fill in the sign-in form as a browser would: GET it, then POST it with its token."""
        form_path = "/login/" + ("?" + urlencode({"next": next_url}) if next_url else "")
        form = self.get(form_path)
        assert form.status_code == 200, form.text
        return self.http.post(
            self.base_url + "/login/",
            data={
                "csrfmiddlewaretoken": csrf_token(form.text),
                "username": username,
                "password": password_of(username) if password is None else password,
                "next": hidden_next(form.text),
            },
            headers={"Referer": self.base_url + form_path},
            allow_redirects=False,
            timeout=TIMEOUT,
        )


@pytest.fixture
def backoffice_on(live_server: Any, settings: Any) -> Callable[[RunningSandbox], str]:
    """``backoffice_on(running)``: point the live app at another sandbox; returns its URL."""

    def _point(running: RunningSandbox) -> str:
        point_backoffice_at(settings, running)
        return str(live_server.url)

    return _point


@pytest.fixture
def staff(backoffice: str) -> Callable[..., StaffClient]:
    """``staff("bob")``: a client signed in as that demo user through the real sign-in form."""

    def _signed_in(username: str = "bob") -> StaffClient:
        client = StaffClient(backoffice)
        response = client.sign_in(username)
        assert response.status_code == 302, response.text
        return client

    return _signed_in


@pytest.fixture
def bob(staff: Callable[..., StaffClient]) -> StaffClient:
    """Bob (COMPLIANCE, finhub-demo), signed in."""
    return staff("bob")


# ---- reading pages ----------------------------------------------------------------------------


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "no CSRF token in the form"
    return match.group(1)


def hidden_next(page: str) -> str:
    match = re.search(r'<input type="hidden" name="next" value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else ""


def subtitle(page: str) -> str:
    match = re.search(r'data-testid="list-subtitle">(.*?)</p>', page, re.S)
    assert match, "no list subtitle on the page"
    return html.unescape(match.group(1)).strip()


def table_body(page: str) -> str:
    match = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    assert match, "no table on the page"
    return match.group(1)


def row_ids(page: str) -> list[str]:
    return re.findall(r'<td class="mono">(c-\d{5})</td>', table_body(page))


def row_badges(page: str) -> list[str]:
    return [
        html.unescape(label)
        for label in re.findall(r'<span class="badge tone-[\w-]+">([^<]*)</span>', table_body(page))
    ]


def page_count(total: int, page_size: int = 25) -> int:
    return max(1, -(-total // page_size))


# ---- a private back office: the live app on a sandbox of the test's own -----------------------


class PrivateBackoffice:
    """The live app talking to a sandbox only this test uses: write to it freely."""

    def __init__(self, running: RunningSandbox, url: str) -> None:
        self.sandbox = running
        self.url = url
        self.faults = SandboxFaults(running)  # this sandbox's own faults, gone with it

    def staff(self, username: str = "bob") -> StaffClient:
        """A client signed in as that demo user through the real sign-in form."""
        client = StaffClient(self.url)
        response = client.sign_in(username)
        assert response.status_code == 302, response.text
        return client

    def gateway(
        self, method: str, path: str, *, username: str = "bob", **kwargs: Any
    ) -> requests.Response:
        """Ask the private sandbox directly, as a demo user (to read back what the app wrote)."""
        return gateway_call(self.sandbox, method, path, username=username, **kwargs)

    def gateway_json(self, path: str, *, username: str = "bob") -> Any:
        response = self.gateway("GET", path, username=username)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def private_backoffice(
    own_sandbox: Callable[..., RunningSandbox], backoffice_on: Callable[[RunningSandbox], str]
) -> PrivateBackoffice:
    """The live app pointed at a fresh private sandbox (for tests that write)."""
    running = own_sandbox()
    return PrivateBackoffice(running, backoffice_on(running))


# ---- filling in and sending forms as a browser would ------------------------------------------


class _FormReader(HTMLParser):
    """Collects what the browser would send for the form whose ``action`` is given."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.found = False
        self.inside = False
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag == "form" and attr.get("action") == self.action and not self.found:
            self.found = self.inside = True
        if not self.inside:
            return
        name = attr.get("name", "")
        if "form" in attr:  # a control that belongs to another form (form="…")
            return
        if tag == "input" and name:
            kind = attr.get("type", "text").lower()
            if kind in ("file", "submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attr:
                return
            self.fields[name] = attr.get("value", "on" if kind == "checkbox" else "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            value = attr.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attr:
                self.fields[self._select] = value

    def handle_data(self, data: str) -> None:
        if self.inside and self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "textarea":
            # A browser drops the one newline that follows <textarea>.
            name, self._textarea = self._textarea, None
            if name and self.fields[name].startswith("\n"):
                self.fields[name] = self.fields[name][1:]
        elif tag == "select" and self._select:
            self.fields.setdefault(self._select, self._first_option or "")
            self._select = None
        elif tag == "form":
            self.inside = False


def form_fields(page: str, action: str) -> dict[str, str]:
    """The values the form posting to ``action`` holds: hidden tokens, defaults, selections."""
    reader = _FormReader(action)
    reader.feed(page)
    assert reader.found, f"no form posts to {action}"
    return reader.fields


def post_form(
    client: StaffClient,
    action: str,
    fields: dict[str, str],
    *,
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
) -> requests.Response:
    """POST ``fields`` (from ``form_fields``, changed as the test likes) like the browser would."""
    return client.http.post(
        client.base_url + action,
        data=fields,
        files=files,
        headers={"Referer": client.base_url + action},
        allow_redirects=False,
        timeout=TIMEOUT,
    )


def toasts(page: str) -> list[str]:
    """The toast messages (Django messages) on a page, as text."""
    return [
        html.unescape(text).strip()
        for text in re.findall(r'<p class="toast toast-[\w-]+">(.*?)</p>', page, re.S)
    ]


def png_bytes(width: int = 3, height: int = 2) -> bytes:
    """A valid PNG of random colours: different bytes on every call."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + os.urandom(3 * width) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
