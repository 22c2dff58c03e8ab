"""The probes and the metrics page on the real server and sandbox; metrics from several
processes add up when they share PROMETHEUS_MULTIPROC_DIR (as gunicorn's workers would)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from sandbox.server import RunningSandbox
from tests.e2e.app_process import AppProcess
from tests.e2e.support import TIMEOUT, StaffClient, start_sandbox

pytestmark = pytest.mark.e2e


def test_the_probes_answer_without_sign_in(backoffice: str) -> None:
    alive = requests.get(backoffice + "/healthz", timeout=TIMEOUT, allow_redirects=False)
    ready = requests.get(backoffice + "/readyz", timeout=TIMEOUT, allow_redirects=False)
    assert (alive.status_code, alive.json()) == (200, {"status": "ok"})
    assert ready.status_code == 200, ready.text
    assert {name: check["ok"] for name, check in ready.json()["checks"].items()} == {
        "database": True,
        "cache": True,
        "gateway": True,
    }


def test_readyz_says_not_ready_when_the_gateway_is_gone(
    sandbox_template: Path, tmp_path: Path, app_process: Callable[..., AppProcess]
) -> None:
    running = start_sandbox(sandbox_template, tmp_path)  # stopped here, not by a fixture
    app = app_process(running, READYZ_TIMEOUT="1")
    assert requests.get(app.url + "/readyz", timeout=TIMEOUT).status_code == 200
    running.stop()
    ready = requests.get(app.url + "/readyz", timeout=TIMEOUT)
    assert ready.status_code == 503
    assert ready.json()["checks"]["gateway"]["ok"] is False
    assert ready.json()["checks"]["database"]["ok"] is True


def _count(metrics: str, view: str) -> float:
    pattern = rf'^backoffice_request_seconds_count\{{[^}}]*view="{re.escape(view)}"[^}}]*\}} (\S+)$'
    return sum(float(value) for value in re.findall(pattern, metrics, re.M))


def test_metrics_of_two_processes_add_up_in_multiprocess_mode(
    own_sandbox: Callable[..., RunningSandbox],
    app_process: Callable[..., AppProcess],
    tmp_path: Path,
) -> None:
    running = own_sandbox()
    (tmp_path / "prometheus").mkdir()
    shared = {
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
        "METRICS_TOKEN": "scrape-secret",
    }
    first, second = app_process(running, **shared), app_process(running, **shared)
    for app, pages in ((first, 2), (second, 3)):
        bob = StaffClient(app.url)
        assert bob.sign_in("bob").status_code == 302
        for _ in range(pages):
            assert bob.get("/customers/").status_code == 200

    scraped = requests.get(
        first.url + "/metrics",
        headers={"Authorization": "Bearer scrape-secret"},
        timeout=TIMEOUT,
    )
    assert scraped.status_code == 200
    assert _count(scraped.text, "customers:list") == 5
    assert "backoffice_pending_approvals 0.0" in scraped.text
    anonymous = requests.get(second.url + "/metrics", timeout=TIMEOUT)
    assert anonymous.status_code == 403
