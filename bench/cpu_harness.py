"""Inside one process: serve requests straight through a Django WSGI application (no server,
no sockets on the app side) and measure the process CPU time they cost.

Run by `bench/run.py cpu` once for the app and once for the floor:

    python bench/cpu_harness.py PLAN.json

PLAN.json: {"settings": "backoffice.settings" | "floor", "requests": 200, "warmup": 20,
"profile": "" | kind, "kinds": [{"name", "user" (or ""), "urls": [...], "headers": {...}}]}.
Prints one JSON object: per kind, CPU ms per request (time.process_time of the whole process,
gateway read threads included) and wall ms per request.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import re
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
PASSWORDS = {name: f"{name}-sandbox" for name in ("alice", "bob", "carol", "erin")}


class WsgiClient:
    """Just enough of a browser: cookies, GET and form POST, straight into the WSGI callable."""

    def __init__(self, application: Any) -> None:
        self.application = application
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, url: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> tuple[int, bytes]:
        parts = urlsplit(url)
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": parts.path,
            "QUERY_STRING": parts.query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(body)),
        }
        if body:
            environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        answer: dict[str, Any] = {}

        def start_response(status: str, response_headers: list[tuple[str, str]], *_: Any) -> None:
            answer["status"] = int(status.split()[0])
            answer["headers"] = response_headers

        chunks = self.application(environ, start_response)
        try:
            content = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        for name, value in answer["headers"]:
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        return answer["status"], content

    def sign_in(self, username: str) -> None:
        status, page = self.request("GET", "/login/")
        match = CSRF_RE.search(page.decode())
        if status != 200 or match is None:
            raise RuntimeError(f"sign-in page answered {status}")
        form = {
            "csrfmiddlewaretoken": match.group(1),
            "username": username,
            "password": PASSWORDS[username],
            "next": "",
        }
        status, _ = self.request(
            "POST", "/login/", {"Referer": "http://127.0.0.1/login/"}, urlencode(form).encode()
        )
        if status != 302:
            raise RuntimeError(f"sign-in as {username} answered {status}")


def measure(plan: dict[str, Any]) -> dict[str, Any]:
    os.environ["DJANGO_SETTINGS_MODULE"] = plan["settings"]
    sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    clients: dict[str, WsgiClient] = {}
    results: dict[str, Any] = {}
    n, warmup = int(plan["requests"]), int(plan["warmup"])
    for kind in plan["kinds"]:
        user = kind.get("user") or ""
        if user not in clients:
            clients[user] = WsgiClient(application)
            if user:
                clients[user].sign_in(user)
        client, urls, headers = clients[user], kind["urls"], kind.get("headers") or {}

        def one(
            i: int,
            client: WsgiClient = client,
            urls: list[str] = urls,
            headers: dict[str, str] = headers,
        ) -> None:
            status, _ = client.request("GET", urls[i % len(urls)], headers)
            if status != 200:
                raise RuntimeError(f"GET {urls[i % len(urls)]} answered {status}")

        for i in range(warmup):
            one(i)
        profiler = cProfile.Profile() if plan.get("profile") == kind["name"] else None
        cpu_started, wall_started = time.process_time(), time.perf_counter()
        if profiler is not None:
            profiler.enable()
        for i in range(n):
            one(i)
        if profiler is not None:
            profiler.disable()
        cpu, wall = time.process_time() - cpu_started, time.perf_counter() - wall_started
        results[kind["name"]] = {"cpu_ms": cpu * 1000 / n, "wall_ms": wall * 1000 / n, "n": n}
        if profiler is not None:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
            print(out.getvalue(), file=sys.stderr)
    return results


if __name__ == "__main__":
    print(json.dumps(measure(json.loads(Path(sys.argv[1]).read_text()))))
