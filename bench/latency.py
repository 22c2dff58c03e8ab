"""Latency benchmark: the back office's customer pages against the gateway calls behind them.

Starts the sandbox gateway (with injected latency L) and the app under waitress, both as
subprocesses on free ports with throw-away SQLite files, signs in as bob, then measures:

* through the app: the customer list fragment (HTMX), the full list page and the customer page;
* directly against the sandbox: the one list POST, and the customer page's three GETs made one
  after another (the sum) and at the same time on a thread pool (the max);
* how many TCP connections the app opens to the gateway over 100 page views.

Usage: .venv/bin/python bench/run.py latency [--latency-ms 50] [--jitter-ms 0]
                                              [--requests 100] [--json PATH] [--keep-tmp]

Exits 0 whether targets are met or not; the table says PASS or MISS per target.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import requests
from processes import (
    PYTHON,
    ROOT,
    TENANT,
    USERS,
    app_env,
    free_port,
    migrate,
    sign_in,
    start_sandbox,
    stop,
    wait_until,
)

USERNAME = "bob"
PASSWORD = USERS[USERNAME]
STATUS = "verified"
PAGE_SIZE = 25
LIST_PAGES = range(1, 6)
# c-00010..c-00059: all in tenant finhub-demo (c-00001..c-02200).
CUSTOMER_IDS = [f"c-{number:05d}" for number in range(10, 60)]
CUSTOMER_API = "/customer/2.0.0"
CONNECTION_PAGE_VIEWS = 100
DEFAULT_POOL_SIZE = 16
BASELINE = "no-gateway redirect"


# ---- statistics ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    n: int
    p50: float
    p95: float
    mean: float
    min: float
    max: float

    @classmethod
    def of(cls, samples_ms: list[float]) -> Stats:
        ordered = sorted(samples_ms)
        rank95 = max(1, math.ceil(0.95 * len(ordered)))
        return cls(
            n=len(ordered),
            p50=statistics.median(ordered),
            p95=ordered[rank95 - 1],
            mean=statistics.fmean(ordered),
            min=ordered[0],
            max=ordered[-1],
        )


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


# ---- processes ----------------------------------------------------------------------------


def effective_pool_size(env: dict[str, str]) -> int:
    """GATEWAY_POOL_SIZE as the app's settings resolve it (env, .env or the default)."""
    result = subprocess.run(
        [
            PYTHON,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.GATEWAY_POOL_SIZE)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return int(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return DEFAULT_POOL_SIZE


def waitress_command(port: int) -> list[str]:
    serve = Path(PYTHON).parent / "waitress-serve"
    command = [str(serve)] if serve.exists() else [PYTHON, "-m", "waitress"]
    return [
        *command,
        "--listen",
        f"127.0.0.1:{port}",
        "--threads",
        "8",
        "backoffice.wsgi:application",
    ]


# ---- the app, as a signed-in staff member -------------------------------------------------


def app_pages(app_url: str) -> dict[str, Callable[[int], tuple[str, dict[str, str]]]]:
    """Page kind -> (i -> URL and headers of the i-th request of that kind)."""

    def list_url(i: int) -> str:
        page = LIST_PAGES[i % len(LIST_PAGES)]
        return f"{app_url}/customers/?status={STATUS}&page={page}"

    return {
        "list fragment": lambda i: (list_url(i), {"HX-Request": "true"}),
        "list page": lambda i: (list_url(i), {}),
        "detail": lambda i: (
            f"{app_url}/customers/{CUSTOMER_IDS[i % len(CUSTOMER_IDS)]}/",
            {},
        ),
    }


def fetch_page(session: requests.Session, url: str, headers: dict[str, str]) -> None:
    response = session.get(url, headers=headers, timeout=60, allow_redirects=False)
    expected = 302 if "/customers/go/" in url else 200
    if response.status_code != expected:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    response.content  # noqa: B018 - read the whole body inside the timing


def baseline_request(app_url: str) -> Callable[[int], tuple[str, dict[str, str]]]:
    """A signed-in request through every middleware that makes no gateway call and renders no
    template (the "go to customer" redirect): the app's floor, HTTP and waitress included."""
    return lambda i: (f"{app_url}/customers/go/?id={CUSTOMER_IDS[i % len(CUSTOMER_IDS)]}", {})


def measure_app(session: requests.Session, app_url: str, n: int, warmup: int) -> dict[str, Stats]:
    results = {}
    kinds = {**app_pages(app_url), BASELINE: baseline_request(app_url)}
    for kind, request_for in kinds.items():
        for i in range(warmup):
            fetch_page(session, *request_for(i))
        samples = [timed(lambda i=i, r=request_for: fetch_page(session, *r(i))) for i in range(n)]
        results[kind] = Stats.of(samples)
    return results


# ---- the gateway, directly ----------------------------------------------------------------


class DirectGateway:
    """The same gateway work as the pages, with a bare requests.Session and no framework."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        token = self.session.post(
            base_url + "/api/v2/auth/token",
            headers={"X-Tenant-ID": TENANT},
            json={"username": USERNAME, "password": PASSWORD},
            timeout=30,
        )
        token.raise_for_status()
        self.headers = {
            "Authorization": f"Bearer {token.json()['access_token']}",
            "tenantId": TENANT,
            "Accept": "application/json",
        }
        self.pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="direct-read")

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.session.close()

    def _send(self, method: str, path: str, **kwargs: Any) -> None:
        response = self.session.request(
            method, self.base_url + path, headers=self.headers, timeout=60, **kwargs
        )
        if response.status_code != 200:
            raise RuntimeError(f"{method} {path} answered {response.status_code}")
        response.json()  # decode, as any client would

    def list_page(self, i: int) -> None:
        body = {
            "type": "",
            "created": "",
            "status": STATUS,
            "pageNumber": LIST_PAGES[i % len(LIST_PAGES)],
            "pageSize": PAGE_SIZE,
        }
        self._send("POST", f"{CUSTOMER_API}/getByCustomerStatus/{STATUS}", json=body)

    def _detail_paths(self, i: int) -> list[str]:
        customer = f"{CUSTOMER_API}/{CUSTOMER_IDS[i % len(CUSTOMER_IDS)]}"
        return [customer, customer + "/documents", customer + "/sepaId"]

    def detail_sequential(self, i: int) -> None:
        for path in self._detail_paths(i):
            self._send("GET", path)

    def detail_concurrent(self, i: int) -> None:
        futures = [self.pool.submit(self._send, "GET", path) for path in self._detail_paths(i)]
        for future in futures:
            future.result()


def measure_direct(gateway: DirectGateway, n: int, warmup: int) -> dict[str, Stats]:
    work = {
        "list": gateway.list_page,
        "detail sum (sequential)": gateway.detail_sequential,
        "detail max (concurrent)": gateway.detail_concurrent,
    }
    results = {}
    for name, action in work.items():
        for i in range(warmup):
            action(i)
        results[name] = Stats.of([timed(lambda i=i, a=action: a(i)) for i in range(n)])
    return results


# ---- connections --------------------------------------------------------------------------


def count_connections(
    session: requests.Session, app_url: str, gateway_url: str, views: int
) -> dict[str, int]:
    """Distinct client sockets the sandbox sees while the app serves `views` mixed pages."""
    pages = list(app_pages(app_url).values())
    expected_calls = 0
    calls_per_kind = [1, 1, 3]  # list fragment, list page, detail (detail + documents + sepaId)
    requests.delete(gateway_url + "/_sandbox/stats", timeout=10).raise_for_status()
    for i in range(views):
        kind = i % len(pages)
        fetch_page(session, *pages[kind](i // len(pages)))
        expected_calls += calls_per_kind[kind]
    stats = requests.get(gateway_url + "/_sandbox/stats", timeout=10).json()
    return {
        "page_views": views,
        "connections": int(stats["connections"]),
        "gateway_requests": int(stats["requests"]),
        "expected_gateway_requests": expected_calls,
    }


# ---- report -------------------------------------------------------------------------------


def targets(latency: float) -> dict[str, float]:
    return {"list fragment": 1.05 * latency + 5, "detail": 1.2 * latency + 10}


def build_report(
    args: argparse.Namespace,
    app: dict[str, Stats],
    direct: dict[str, Stats],
    connections: dict[str, int],
    pool_size: int,
) -> dict[str, Any]:
    limits = targets(args.latency_ms)
    direct_for = {
        "list fragment": "list",
        "list page": "list",
        "detail": "detail max (concurrent)",
    }
    rows = []
    for page, stats in app.items():
        if page == BASELINE:
            continue
        reference = direct[direct_for[page]]
        target = limits.get(page)
        rows.append(
            {
                "page": page,
                "app": asdict(stats),
                "direct": direct_for[page],
                "direct_p50": reference.p50,
                "ratio": stats.p50 / reference.p50 if reference.p50 else None,
                "overhead_p50": stats.p50 - reference.p50,
                "target_p50": target,
                "pass": None if target is None else stats.p50 <= target,
            }
        )
    return {
        "machine": {"cpus": os.cpu_count(), "load_average": list(os.getloadavg())},
        "latency_ms": args.latency_ms,
        "jitter_ms": args.jitter_ms,
        "requests": args.requests,
        "pages": rows,
        "direct": {name: asdict(stats) for name, stats in direct.items()},
        "app_baseline": asdict(app[BASELINE]),
        "connections": {
            **connections,
            "pool_size": pool_size,
            "pass": connections["connections"] <= pool_size,
        },
    }


def verdict(passed: bool | None) -> str:
    return "-" if passed is None else "PASS" if passed else "MISS"


def print_report(report: dict[str, Any]) -> None:
    latency, jitter = report["latency_ms"], report["jitter_ms"]
    print()
    print(f"Gateway latency L = {latency} ms (jitter {jitter} ms), N = {report['requests']}")
    machine = report["machine"]
    load = " ".join(f"{value:.2f}" for value in machine["load_average"])
    print(f"Machine: {machine['cpus']} CPUs, load average {load} (shared by client, app, sandbox)")
    print()
    header = (
        f"{'page':<14} | {'app p50':>8} | {'app p95':>8} | {'direct p50':>10} | "
        f"{'ratio app/direct':>16} | {'target':>18} | {'pass/fail':>9}"
    )
    print(header)
    print("-" * len(header))
    for row in report["pages"]:
        target = row["target_p50"]
        target_text = f"p50 <= {target:.1f} ms" if target is not None else "-"
        ratio = f"{row['ratio']:.2f}x" if row["ratio"] is not None else "-"
        print(
            f"{row['page']:<14} | {row['app']['p50']:>8.1f} | {row['app']['p95']:>8.1f} | "
            f"{row['direct_p50']:>10.1f} | {ratio:>16} | {target_text:>18} | "
            f"{verdict(row['pass']):>9}"
        )
    print()
    print("All times in ms. direct p50: list pages vs the one list POST; detail vs the three")
    print("detail GETs made concurrently (a page cannot beat the slowest of its reads).")
    print()
    print(f"{'measured':<32} | {'p50':>7} | {'p95':>7} | {'mean':>7} | {'min':>7} | {'max':>7}")
    lines = [(f"app: {row['page']}", row["app"]) for row in report["pages"]]
    lines.append((f"app: {BASELINE}", report["app_baseline"]))
    lines += [(f"direct: {name}", stats) for name, stats in report["direct"].items()]
    for name, stats in lines:
        print(
            f"{name:<32} | {stats['p50']:>7.1f} | {stats['p95']:>7.1f} | {stats['mean']:>7.1f} | "
            f"{stats['min']:>7.1f} | {stats['max']:>7.1f}"
        )
    saved = report["direct"]["detail sum (sequential)"]["p50"]
    saved -= report["direct"]["detail max (concurrent)"]["p50"]
    print(f"Concurrency saves {saved:.1f} ms at p50 on the customer page's three reads.")
    floor = report["app_baseline"]["p50"]
    print(f"App floor (signed-in request, all middleware, no gateway, no template): {floor:.1f} ms")
    for row in report["pages"]:
        rest = row["overhead_p50"] - floor
        print(
            f"App overhead over direct, p50, {row['page']}: {row['overhead_p50']:+.1f} ms"
            f" (floor {floor:.1f} + view/render/client {rest:+.1f})"
        )
    print()
    conn = report["connections"]
    print(
        f"Gateway TCP connections over {conn['page_views']} page views: {conn['connections']} "
        f"(pool size {conn['pool_size']}) -> {verdict(conn['pass'])}; gateway requests "
        f"{conn['gateway_requests']} (expected {conn['expected_gateway_requests']})"
    )
    verdicts = [row["pass"] for row in report["pages"] if row["pass"] is not None]
    verdicts.append(conn["pass"])
    print()
    print("OVERALL: " + ("PASS" if all(verdicts) else "MISS"))


# ---- main ---------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=int, default=50, help="injected gateway latency L")
    parser.add_argument("--jitter-ms", type=int, default=0, help="injected jitter, 0..J ms")
    parser.add_argument("--requests", type=int, default=100, help="N sequential requests/kind")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up requests per kind")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the databases and logs")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.latency_ms < 0 or args.jitter_ms < 0 or args.warmup < 0:
        parser.error("--requests must be >= 1; latency, jitter and warm-up >= 0")
    return args


def run(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    sandbox = app = None
    gateway: DirectGateway | None = None
    try:
        sandbox, gateway_url = start_sandbox(
            tmp, latency_ms=args.latency_ms, jitter_ms=args.jitter_ms
        )
        app_port = free_port()
        app_url = f"http://127.0.0.1:{app_port}"
        app_log = tmp / "app.log"

        env = app_env(gateway_url, tmp)
        migrate(env)
        pool_size = effective_pool_size(env)
        print(f"Starting the app under waitress on {app_url} ...", flush=True)
        with app_log.open("wb") as log:
            app = subprocess.Popen(
                waitress_command(app_port),
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until(app_url + "/login/", app, app_log, timeout=60)

        session = sign_in(app_url, USERNAME)
        print(f"Signed in as {USERNAME}; measuring the app ...", flush=True)
        app_stats = measure_app(session, app_url, args.requests, args.warmup)
        print("Measuring the gateway directly ...", flush=True)
        gateway = DirectGateway(gateway_url)
        direct_stats = measure_direct(gateway, args.requests, args.warmup)
        print("Counting the app's gateway connections ...", flush=True)
        connections = count_connections(session, app_url, gateway_url, CONNECTION_PAGE_VIEWS)
        return build_report(args, app_stats, direct_stats, connections, pool_size)
    finally:
        if gateway is not None:
            gateway.close()
        stop(app)
        stop(sandbox)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="finhub-bench-"))
    try:
        report = run(args, tmp)
    finally:
        if args.keep_tmp:
            print(f"Kept databases and logs in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"Wrote {args.json}")
    return 0
