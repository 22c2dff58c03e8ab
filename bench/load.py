"""Load benchmark: simulated officers against the app under a real server, then 500 open clients.

Starts the sandbox gateway (latency L, default 50 ms) and the app under waitress or gunicorn, or
uses a server that is already running (--app-url, e.g. the production profile on PostgreSQL and
Redis). Each simulated officer is signed in with a session of their own and, with no think time,
loops over the customer list fragment (HTMX), a customer page, the ticket queue fragment and a
ticket page. It reports requests/s, p50/p95/p99 and errors per step of users, then opens 500
client connections at once, sends a request on each while all stay open, and counts the answers.

Usage: .venv/bin/python bench/run.py load [--users 8,50] [--duration 30] [--latency-ms 50]
           [--server waitress|gunicorn] [--workers W] [--threads T] [--open-clients 500]
           [--app-url URL --gateway-url URL] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from processes import (
    PYTHON,
    ROOT,
    app_env,
    free_port,
    migrate,
    set_latency,
    sign_in,
    start_sandbox,
    stop,
    wait_until,
)

OFFICERS = ("bob", "erin", "carol", "alice")
STATUSES = ("verified", "new", "under_verificaiton", "dispute", "on_hold")
CUSTOMER_NUMBERS = range(1, 2001)  # c-00001..c-02000: finhub-demo
TICKET_NUMBERS = range(1, 421)  # t-00001..t-00420: finhub-demo
HTMX = {"HX-Request": "true"}


def list_fragment(rng: random.Random) -> tuple[str, dict[str, str]]:
    return f"/customers/?status={rng.choice(STATUSES)}&page={rng.randint(1, 5)}", HTMX


def customer_page(rng: random.Random) -> tuple[str, dict[str, str]]:
    return f"/customers/c-{rng.choice(CUSTOMER_NUMBERS):05d}/", {}


def queue_fragment(rng: random.Random) -> tuple[str, dict[str, str]]:
    return f"/tickets/?view=all&page={rng.randint(1, 5)}", HTMX


def ticket_page(rng: random.Random) -> tuple[str, dict[str, str]]:
    return f"/tickets/t-{rng.choice(TICKET_NUMBERS):05d}/", {}


MIX: dict[str, Callable[[random.Random], tuple[str, dict[str, str]]]] = {
    "list fragment": list_fragment,
    "customer page": customer_page,
    "queue fragment": queue_fragment,
    "ticket page": ticket_page,
}


# ---- one simulated officer ------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    started: float
    ms: float
    ok: bool
    error: str = ""


@dataclass
class Officer:
    """A signed-in browser: its cookies and one keep-alive connection, like a real tab."""

    host: str
    port: int
    cookie: str
    rng: random.Random
    samples: list[Sample] = field(default_factory=list)
    connection: http.client.HTTPConnection | None = None

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.connection.request("GET", path, headers={"Cookie": self.cookie, **headers})
                response = self.connection.getresponse()
                body = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, body
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A server closing an idle keep-alive connection: open a new one, once.
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def run(self, stop_at: float) -> None:
        kinds = list(MIX)
        while time.monotonic() < stop_at:
            kind = self.rng.choice(kinds)
            path, headers = MIX[kind](self.rng)
            started = time.monotonic()
            try:
                status, _ = self.get(path, headers)
                ok, error = status == 200, "" if status == 200 else f"HTTP {status}"
            except (OSError, http.client.HTTPException) as failure:
                ok, error = False, type(failure).__name__
                self.close()
            self.samples.append(
                Sample(kind, started, (time.monotonic() - started) * 1000, ok, error)
            )
        self.close()


def percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return math.nan
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


def summarize(samples: list[Sample], seconds: float) -> dict[str, Any]:
    ordered = sorted(s.ms for s in samples)
    errors: dict[str, int] = {}
    for sample in samples:
        if not sample.ok:
            errors[sample.error] = errors.get(sample.error, 0) + 1
    return {
        "requests": len(samples),
        "requests_per_s": len(samples) / seconds if seconds else 0.0,
        "p50_ms": statistics.median(ordered) if ordered else math.nan,
        "p95_ms": percentile(ordered, 0.95),
        "p99_ms": percentile(ordered, 0.99),
        "errors": sum(errors.values()),
        "error_kinds": errors,
    }


def run_step(officers: list[Officer], users: int, warmup: float, duration: float) -> dict[str, Any]:
    """`users` officers at once; what finished inside the measured window counts."""
    active = officers[:users]
    for officer in active:
        officer.samples = []
    started = time.monotonic()
    window_start, stop_at = started + warmup, started + warmup + duration
    threads = [
        threading.Thread(target=officer.run, args=(stop_at,), daemon=True) for officer in active
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=warmup + duration + 120)
    measured = [s for o in active for s in o.samples if s.started >= window_start]
    by_kind = {kind: summarize([s for s in measured if s.kind == kind], duration) for kind in MIX}
    return {"users": users, **summarize(measured, duration), "by_kind": by_kind}


# ---- 500 open clients -----------------------------------------------------------------------


async def open_clients(host: str, port: int, cookie: str, count: int, timeout: float) -> Any:
    request = (
        f"GET /customers/?status=verified&page=1 HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Cookie: {cookie}\r\nHX-Request: true\r\nConnection: keep-alive\r\n\r\n"
    ).encode()
    all_open = asyncio.Event()
    holders: list[asyncio.StreamWriter] = []
    started = time.monotonic()

    async def client() -> str:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        except ConnectionRefusedError:
            return "refused"
        except (TimeoutError, OSError) as failure:
            return f"connect {type(failure).__name__}"
        holders.append(writer)
        await all_open.wait()
        try:
            writer.write(request)
            await writer.drain()
            status_line = await asyncio.wait_for(reader.readline(), timeout)
        except TimeoutError:
            return "no answer in time"
        except OSError as failure:
            return type(failure).__name__
        if not status_line:
            return "closed without an answer"
        parts = status_line.split()
        status = parts[1].decode() if len(parts) > 1 else "?"
        return "answered" if status == "200" else f"HTTP {status}"

    tasks = [asyncio.create_task(client()) for _ in range(count)]
    # Every client connects first; only then do they all ask, while all stay connected.
    while len(holders) + sum(1 for t in tasks if t.done()) < count:
        if time.monotonic() - started > timeout:
            break
        await asyncio.sleep(0.05)
    connected = len(holders)
    all_open.set()
    outcomes = await asyncio.gather(*tasks)
    for writer in holders:
        writer.close()
    counted: dict[str, int] = {}
    for outcome in outcomes:
        counted[outcome] = counted.get(outcome, 0) + 1
    return {
        "clients": count,
        "connected_at_once": connected,
        "answered": counted.get("answered", 0),
        "outcomes": counted,
        "seconds": time.monotonic() - started,
    }


# ---- servers --------------------------------------------------------------------------------


def server_command(args: argparse.Namespace, port: int) -> tuple[list[str], dict[str, str]]:
    bin_dir = Path(PYTHON).parent
    if args.server == "waitress":
        return [
            str(bin_dir / "waitress-serve"),
            "--listen",
            f"127.0.0.1:{port}",
            "--threads",
            str(args.threads or 8),
            "backoffice.wsgi:application",
        ], {}
    gunicorn = bin_dir / "gunicorn"
    if not gunicorn.exists():
        raise SystemExit("--server gunicorn: gunicorn is not installed in this .venv")
    extra = {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_LOG_LEVEL": "warning"}
    if args.workers:
        extra["WEB_CONCURRENCY"] = extra["GUNICORN_WORKERS"] = str(args.workers)
    if args.threads:
        extra["GUNICORN_THREADS"] = str(args.threads)
    command = [str(gunicorn)]
    if (ROOT / "gunicorn.conf.py").exists():
        command += ["-c", str(ROOT / "gunicorn.conf.py")]
    else:
        command += [
            "--worker-class",
            "gthread",
            "--workers",
            str(args.workers or 2),
            "--threads",
            str(args.threads or 16),
            "--bind",
            f"127.0.0.1:{port}",
            "--worker-connections",
            "1000",
            "--backlog",
            "2048",
        ]
    return [*command, "backoffice.wsgi:application"], extra


def sign_in_officers(app_url: str, users: int) -> list[Officer]:
    parts = urlsplit(app_url)
    officers = []
    for number in range(users):
        session = sign_in(app_url, OFFICERS[number % len(OFFICERS)])
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        officers.append(
            Officer(parts.hostname or "127.0.0.1", parts.port or 80, cookie, random.Random(number))
        )
    return officers


def production_services() -> tuple[Callable[[], None], dict[str, str]]:
    """A private PostgreSQL cluster and Redis server, as `make test` starts them."""
    import sys

    sys.path.insert(0, str(ROOT))
    from tests.production import services

    postgres = services.start_postgres()
    try:
        redis_server = services.start_redis()
    except BaseException:
        services.stop_postgres(postgres)
        raise

    def stop_both() -> None:
        services.stop_redis(redis_server)
        services.stop_postgres(postgres)

    database_url = postgres.create_database("bench")
    return stop_both, {"DATABASE_URL": database_url, "CACHE_URL": redis_server.url(0)}


def measure(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    sandbox = app = None
    stop_services: Callable[[], None] | None = None
    try:
        if args.services:
            print("Starting private PostgreSQL and Redis ...", flush=True)
            stop_services, urls = production_services()
            os.environ.update(urls)
        if args.gateway_url:
            gateway_url = args.gateway_url.rstrip("/")
            set_latency(gateway_url, args.latency_ms)
        else:
            sandbox, gateway_url = start_sandbox(tmp, latency_ms=args.latency_ms, threads=256)
        if args.app_url:
            app_url, server = args.app_url.rstrip("/"), f"running server at {args.app_url}"
        else:
            port = free_port()
            app_url = f"http://127.0.0.1:{port}"
            command, extra = server_command(args, port)
            env = app_env(gateway_url, tmp, **extra)
            # Enough pooled gateway connections for every thread's concurrent reads.
            env.setdefault("GATEWAY_POOL_SIZE", "64")
            migrate(env)
            log_path = tmp / "app.log"
            server = " ".join(Path(part).name if "/" in part else part for part in command)
            print(f"Starting the app: {server} on {app_url} ...", flush=True)
            with log_path.open("wb") as log:
                app = subprocess.Popen(
                    command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
                )
            wait_until(app_url + "/login/", app, log_path, timeout=90)
        steps = sorted({int(n) for n in args.users.split(",")})
        print(f"Signing in {max(steps)} officers ...", flush=True)
        officers = sign_in_officers(app_url, max(steps))
        results = []
        for users in steps:
            print(f"{users} officers for {args.duration:.0f} s ...", flush=True)
            results.append(run_step(officers, users, args.warmup, args.duration))
        open_check = None
        if args.open_clients:
            print(f"{args.open_clients} open clients ...", flush=True)
            parts = urlsplit(app_url)
            open_check = asyncio.run(
                open_clients(
                    parts.hostname or "127.0.0.1",
                    parts.port or 80,
                    officers[0].cookie,
                    args.open_clients,
                    args.open_timeout,
                )
            )
        app_database = os.environ.get("DATABASE_URL", "sqlite (throw-away file)")
        app_database = app_database.split("@")[-1].split("?")[0]
        return {
            "server": server,
            "database": app_database,
            "cache": os.environ.get("CACHE_URL", "locmemcache (per process)").split("@")[-1],
            "steps": results,
            "open_clients": open_check,
        }
    finally:
        stop(app)
        stop(sandbox)
        if stop_services is not None:
            stop_services()


def print_report(report: dict[str, Any]) -> None:
    load = " ".join(f"{value:.2f}" for value in report["machine"]["load_average"])
    print()
    print(
        f"Load: gateway latency L = {report['latency_ms']} ms, {report['duration_s']:.0f} s per "
        f"step after {report['warmup_s']:.0f} s warm-up; {report['machine']['cpus']} CPUs, "
        f"load average {load}"
    )
    print(f"Server: {report['server']}; database {report['database']}; cache {report['cache']}")
    print("Mix: list fragment, customer page, queue fragment, ticket page (equal shares)")
    print()
    header = (
        f"{'users':>5} | {'req/s':>7} | {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} | "
        f"{'errors':>6} | {'requests':>8}"
    )
    print(header)
    print("-" * len(header))
    for step in report["steps"]:
        print(
            f"{step['users']:>5} | {step['requests_per_s']:>7.1f} | {step['p50_ms']:>7.1f} | "
            f"{step['p95_ms']:>7.1f} | {step['p99_ms']:>7.1f} | {step['errors']:>6} | "
            f"{step['requests']:>8}"
        )
    last = report["steps"][-1]
    print()
    print(f"At {last['users']} users, per page (p50 / p95 ms):")
    for kind, stats in last["by_kind"].items():
        print(
            f"  {kind:<15} {stats['p50_ms']:>7.1f} / {stats['p95_ms']:>7.1f}  ({stats['requests']})"
        )
    if last["error_kinds"]:
        print(f"  errors: {last['error_kinds']}")
    target_p95 = 4 * report["latency_ms"]
    print()
    print(
        f"Targets at {last['users']} users: >= {report['target_rps']:.0f} req/s -> "
        f"{'PASS' if last['requests_per_s'] >= report['target_rps'] else 'MISS'}; "
        f"p95 < {target_p95} ms -> {'PASS' if last['p95_ms'] < target_p95 else 'MISS'}; "
        f"no errors -> {'PASS' if last['errors'] == 0 else 'MISS'}"
    )
    check = report["open_clients"]
    if check:
        verdict = "PASS" if check["answered"] == check["clients"] else "MISS"
        print(
            f"Open clients: {check['clients']} connected at once {check['connected_at_once']}, "
            f"answered {check['answered']} in {check['seconds']:.1f} s -> {verdict}; "
            f"outcomes {check['outcomes']}"
        )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--users", default="8,50", help="officer counts, one step each")
    parser.add_argument("--duration", type=float, default=30, help="measured seconds per step")
    parser.add_argument("--warmup", type=float, default=5, help="unmeasured seconds per step")
    parser.add_argument("--latency-ms", type=int, default=50, help="injected gateway latency")
    parser.add_argument("--server", choices=("waitress", "gunicorn"), default="waitress")
    parser.add_argument(
        "--services",
        action="store_true",
        help="start private PostgreSQL and Redis (the production profile; else DATABASE_URL, "
        "CACHE_URL from the environment or SQLite and a per-process cache)",
    )
    parser.add_argument("--workers", type=int, help="gunicorn processes")
    parser.add_argument("--threads", type=int, help="server threads (per gunicorn process)")
    parser.add_argument("--open-clients", type=int, default=500, help="0 to skip the check")
    parser.add_argument("--open-timeout", type=float, default=60, help="seconds per answer")
    parser.add_argument("--target-rps", type=float, default=100, help="requests/s to reach")
    parser.add_argument("--app-url", help="measure this running server instead of starting one")
    parser.add_argument("--gateway-url", help="the sandbox that server uses (sets its latency)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the databases and logs")


def main(args: argparse.Namespace) -> int:
    if args.app_url and not args.gateway_url:
        raise SystemExit("--app-url needs --gateway-url (the sandbox that server talks to)")
    tmp = Path(tempfile.mkdtemp(prefix="finhub-bench-load-"))
    try:
        measured = measure(args, tmp)
    finally:
        if args.keep_tmp:
            print(f"Kept databases and logs in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    report = {
        "machine": {"cpus": os.cpu_count(), "load_average": list(os.getloadavg())},
        "latency_ms": args.latency_ms,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "target_rps": args.target_rps,
        **measured,
    }
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"Wrote {args.json}")
    return 0
