"""One pending four-eyes request per customer and kind, held by PostgreSQL across processes.

Two app processes request a status change for the same customer at the same moment: the
database's conditional unique constraint lets exactly one wait for a checker; the other
officer is told which request already waits.
"""

from __future__ import annotations

import subprocess
import sys
import time

from tests.production.nodes import PROJECT, manage, node_environment

UNUSED_GATEWAY = "http://127.0.0.1:9"

CREATE_OFFICERS = """
from backoffice.models import StaffMember
for name in ("bob", "erin"):
    StaffMember.objects.create(
        username=f"finhub-demo:{name}", gateway_user_id=f"u-{name}", display_name=name.title()
    )
"""

REQUEST = """
import sys, time
from backoffice.gateway.client import GatewayAuth
from backoffice.models import StaffMember
from customers import writes

maker, target, start_at = sys.argv[1], sys.argv[2], float(sys.argv[3])
member = StaffMember.objects.get(gateway_user_id=f"u-{maker}")
write = writes.CustomerWrite(
    action="status", customer_id="c-00100", customer_name="Max Müller",
    body={"id": "c-00100", "customerStatus": target},
    before={"status": "new"}, after={"status": target}, reason="race",
)
time.sleep(max(0.0, start_at - time.time()))  # both processes insert at the same moment
try:
    change = writes.request_approval(GatewayAuth("unused", "finhub-demo", maker), member, write)
    print("held", change.pk, target)
except writes.AlreadyPending as refusal:
    print("refused", refusal.pending.pk, refusal.pending.after["status"])
"""

COUNT_PENDING = """
from customers.models import ChangeRequest
print(ChangeRequest.objects.filter(customer_id="c-00100", status="pending").count())
"""


def test_two_processes_requesting_at_once_leave_one_pending_request(
    postgres_database_url: str, redis_cache_url: str
) -> None:
    environment = node_environment(postgres_database_url, redis_cache_url, UNUSED_GATEWAY)
    assert manage(environment, "migrate", "--noinput").returncode == 0
    created = manage(environment, "shell", "-v", "0", "-c", CREATE_OFFICERS)
    assert created.returncode == 0, created.stderr

    start_at = f"{time.time() + 4:.3f}"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _shell(REQUEST), maker, target, start_at],
            cwd=PROJECT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for maker, target in (("bob", "verified"), ("erin", "blacklisted"))
    ]
    answers = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
        answers.append(stdout.split())

    outcomes = sorted(answer[0] for answer in answers)
    assert outcomes == ["held", "refused"]
    held = next(answer for answer in answers if answer[0] == "held")
    refused = next(answer for answer in answers if answer[0] == "refused")
    assert refused[1:] == held[1:]  # the refusal names the request that waits
    counted = manage(environment, "shell", "-v", "0", "-c", COUNT_PENDING)
    assert counted.stdout.strip() == "1", counted.stderr


def _shell(script: str) -> str:
    """`script` run inside a set-up Django, arguments kept in sys.argv[1:]."""
    return "import django; django.setup()\n" + script
