"""CPU benchmark: process CPU time per page of the app against the floor, in one run.

The floor is bench/floor.py: a minimal Django view (no middleware, one pooled requests.Session)
making the list fragment's single gateway call and rendering the same 25 rows. The app and the
floor each run in a process of their own (bench/cpu_harness.py) that calls the WSGI application
directly, so neither pays for a server; CPU is time.process_time() of that process over N
requests, the app's gateway read threads included. The sandbox runs in a third process.

Usage: .venv/bin/python bench/run.py cpu [--requests 200] [--rounds 3] [--latency-ms 0]
                                         [--profile KIND] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import requests
from processes import (
    PYTHON,
    ROOT,
    TENANT,
    app_env,
    gateway_token,
    migrate,
    start_sandbox,
    stop,
)

STATUS = "verified"
LIST_URLS = [f"/customers/?status={STATUS}&page={page}" for page in range(1, 6)]
CUSTOMER_URLS = [f"/customers/c-{number:05d}/" for number in range(10, 60)]
FLOOR = "floor (minimal view, same call, same 25 rows)"
# Page kind -> (who, the largest ratio to the floor the issue allows).
PAGES = {
    "list fragment (HTMX)": ("bob", 1.5),
    "customer page": ("bob", 2.0),
    "ticket page": ("carol", 2.5),
}


def carols_tickets(gateway_url: str) -> list[str]:
    """Tickets assigned to carol: the page an agent opens most (composers, her actions)."""
    answer = requests.get(
        f"{gateway_url}/finsupport/1.0.0/tickets/assignee/u-carol",
        params={"pageSize": 50},
        headers={
            "Authorization": f"Bearer {gateway_token(gateway_url, 'carol')}",
            "tenantId": TENANT,
        },
        timeout=30,
    )
    answer.raise_for_status()
    return [f"/tickets/{ticket['id']}/" for ticket in answer.json()["tickets"]]


def run_harness(plan: dict[str, Any], env: dict[str, str], tmp: Path) -> dict[str, Any]:
    plan_path = tmp / f"plan-{plan['settings']}.json"
    plan_path.write_text(json.dumps(plan))
    result = subprocess.run(
        [PYTHON, str(Path(__file__).resolve().parent / "cpu_harness.py"), str(plan_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if plan.get("profile"):
        print(result.stderr[-12000:])
    if result.returncode != 0:
        raise RuntimeError(f"the CPU harness failed:\n{result.stderr[-4000:]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def measure(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    sandbox, gateway_url = start_sandbox(tmp, latency_ms=args.latency_ms)
    try:
        env = app_env(gateway_url, tmp)
        migrate(env)
        tickets = carols_tickets(gateway_url)
        app_plan = {
            "settings": "backoffice.settings",
            "requests": args.requests,
            "warmup": args.warmup,
            "profile": args.profile or "",
            "kinds": [
                {
                    "name": "list fragment (HTMX)",
                    "user": "bob",
                    "urls": LIST_URLS,
                    "headers": {"HX-Request": "true"},
                },
                {"name": "customer page", "user": "bob", "urls": CUSTOMER_URLS},
                {"name": "ticket page", "user": "carol", "urls": tickets},
            ],
        }
        floor_plan = {
            "settings": "floor",
            "requests": args.requests,
            "warmup": args.warmup,
            "profile": args.profile or "",
            "kinds": [{"name": FLOOR, "user": "", "urls": LIST_URLS}],
        }
        floor_env = {
            **os.environ,
            "GATEWAY_URL": gateway_url,
            "GATEWAY_TENANT_ID": TENANT,
            "FLOOR_GATEWAY_TOKEN": gateway_token(gateway_url, "bob"),
        }
        rounds: list[dict[str, Any]] = []
        for number in range(1, args.rounds + 1):
            print(f"Round {number}/{args.rounds}: floor, then app ...", flush=True)
            measured = run_harness(floor_plan, floor_env, tmp)
            measured.update(run_harness(app_plan, env, tmp))
            rounds.append(measured)
        return {"rounds": rounds, "tickets": len(tickets)}
    finally:
        stop(sandbox)


def build_report(args: argparse.Namespace, measured: dict[str, Any]) -> dict[str, Any]:
    rounds = measured["rounds"]

    def best(kind: str, key: str) -> float:
        return min(r[kind][key] for r in rounds)

    floor = best(FLOOR, "cpu_ms")
    rows = []
    for page, (user, limit) in PAGES.items():
        cpu = best(page, "cpu_ms")
        ratio = cpu / floor
        rows.append(
            {
                "page": page,
                "user": user,
                "cpu_ms": cpu,
                "wall_ms": best(page, "wall_ms"),
                "ratio": ratio,
                "target": limit,
                "pass": ratio <= limit,
                "per_round_cpu_ms": [r[page]["cpu_ms"] for r in rounds],
            }
        )
    return {
        "machine": {"cpus": os.cpu_count(), "load_average": list(os.getloadavg())},
        "latency_ms": args.latency_ms,
        "requests": args.requests,
        "rounds": args.rounds,
        "floor_cpu_ms": floor,
        "floor_per_round_cpu_ms": [r[FLOOR]["cpu_ms"] for r in rounds],
        "pages": rows,
    }


def print_report(report: dict[str, Any]) -> None:
    load = " ".join(f"{value:.2f}" for value in report["machine"]["load_average"])
    print()
    print(
        f"CPU per request, N = {report['requests']} per page, best of {report['rounds']} rounds; "
        f"gateway latency {report['latency_ms']} ms; {report['machine']['cpus']} CPUs, "
        f"load average {load}"
    )
    print()
    header = f"{'page':<46} | {'CPU ms':>7} | {'ratio':>6} | {'target':>7} | {'result':>6}"
    print(header)
    print("-" * len(header))
    floor = report["floor_cpu_ms"]
    print(f"{FLOOR:<46} | {floor:>7.2f} | {1:>5.2f}x | {'-':>7} | {'-':>6}")
    for row in report["pages"]:
        name = f"{row['page']} (as {row['user']})"
        print(
            f"{name:<46} | {row['cpu_ms']:>7.2f} | {row['ratio']:>5.2f}x | "
            f"{'<= ' + format(row['target'], '.1f') + 'x':>7} | "
            f"{'PASS' if row['pass'] else 'MISS':>6}"
        )
    print()
    rounds = ", ".join(f"{value:.2f}" for value in report["floor_per_round_cpu_ms"])
    print(f"Floor CPU ms per round: {rounds}")
    for row in report["pages"]:
        rounds = ", ".join(f"{value:.2f}" for value in row["per_round_cpu_ms"])
        print(f"{row['page']} CPU ms per round: {rounds}")
    print()
    print("CPU: OVERALL " + ("PASS" if all(row["pass"] for row in report["pages"]) else "MISS"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests first")
    parser.add_argument("--rounds", type=int, default=3, help="floor+app runs; best one counts")
    parser.add_argument("--latency-ms", type=int, default=0, help="injected gateway latency")
    parser.add_argument("--profile", help="cProfile this page kind (its figure is then inflated)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the databases and logs")


def main(args: argparse.Namespace) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="finhub-bench-cpu-"))
    try:
        report = build_report(args, measure(args, tmp))
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
