"""Starting and stopping the sandbox gateway and the app for the benchmarks, and signing in."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TENANT = "finhub-demo"
USERS = {name: f"{name}-sandbox" for name in ("alice", "bob", "carol", "erin")}
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
TOKEN_PATH = "/api/v2/auth/token"  # noqa: S105 - a path, not a secret


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def wait_until(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {process.returncode}\n{tail(log)}")
        try:
            if requests.get(url, timeout=1, allow_redirects=False).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s\n{tail(log)}")


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def start_sandbox(
    tmp: Path, *, latency_ms: int, jitter_ms: int = 0, threads: int = 16
) -> tuple[subprocess.Popen[bytes], str]:
    """The sandbox gateway on a free port with a throw-away database and injected latency."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp / "sandbox.log"
    print(f"Starting the sandbox gateway on {url} ...", flush=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "sandbox",
                "--port",
                str(port),
                "--db",
                str(tmp / "sandbox.sqlite3"),
                "--threads",
                str(threads),
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(url + "/_sandbox/health", process, log_path, timeout=120)
        set_latency(url, latency_ms, jitter_ms)
    except BaseException:
        stop(process)
        raise
    return process, url


def set_latency(gateway_url: str, latency_ms: int, jitter_ms: int = 0) -> None:
    requests.put(
        gateway_url + "/_sandbox/faults",
        json={"latencyMs": latency_ms, "jitterMs": jitter_ms},
        timeout=10,
    ).raise_for_status()


def app_env(gateway_url: str, tmp: Path, **extra: str) -> dict[str, str]:
    """The app's environment: this gateway, a throw-away SQLite file unless DATABASE_URL is set."""
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'app.sqlite3'}")
    env.update(
        DJANGO_SETTINGS_MODULE="backoffice.settings",
        GATEWAY_URL=gateway_url,
        GATEWAY_TENANT_ID=TENANT,
        DEBUG="false",
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def migrate(env: dict[str, str]) -> None:
    print("Migrating the app database ...", flush=True)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )


def gateway_token(gateway_url: str, username: str) -> str:
    """An access token straight from the gateway, for reads the benchmark makes itself."""
    answer = requests.post(
        gateway_url + TOKEN_PATH,
        headers={"X-Tenant-ID": TENANT},
        json={"username": username, "password": USERS[username]},
        timeout=30,
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def sign_in(app_url: str, username: str = "bob") -> requests.Session:
    """A requests.Session signed in to the app through its real sign-in form."""
    session = requests.Session()
    page = session.get(app_url + "/login/", timeout=30)
    page.raise_for_status()
    match = CSRF_RE.search(page.text)
    if match is None:
        raise RuntimeError("no csrfmiddlewaretoken on the sign-in page")
    answer = session.post(
        app_url + "/login/",
        data={
            "csrfmiddlewaretoken": match.group(1),
            "username": username,
            "password": USERS[username],
            "next": "",
        },
        headers={"Referer": app_url + "/login/"},
        timeout=30,
    )
    if answer.status_code != 200 or "/login/" in answer.url:
        raise RuntimeError(f"sign-in as {username} failed: {answer.status_code} at {answer.url}")
    return session
