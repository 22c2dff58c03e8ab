"""gunicorn settings for production: `gunicorn backoffice.wsgi` from the project directory.

Every value can be changed from the environment (README, "Production").
"""

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from backoffice.serving import worker_processes, worker_threads

# A reverse proxy or load balancer in front; 0.0.0.0:8000 to take connections from other hosts.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
wsgi_app = "backoffice.wsgi:application"

# Threads, not processes alone: requests mostly wait on the gateway, and a waiting thread costs
# little. The database pool of each process is sized from the same number (settings.py).
worker_class = "gthread"
workers = worker_processes()
threads = worker_threads()

# Idle keep-alive connections wait in the worker's poller, not in a thread, so hundreds of
# officers' browsers can keep theirs open: worker_connections bounds them per process, and the
# listen backlog holds bursts of new connections instead of refusing them.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "1000"))
backlog = int(os.environ.get("GUNICORN_BACKLOG", "2048"))
# Longer than a browser's pause between clicks; keep it below a load balancer's idle timeout.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "20"))

# A worker silent for this long is restarted; pages bound their own gateway waits well below.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Heartbeat files in memory: a slow or full disk must not get workers killed.
MEMORY_DIR = "/dev/shm"  # noqa: S108 (gunicorn makes its own private files in it)
if os.path.isdir(MEMORY_DIR):
    worker_tmp_dir = MEMORY_DIR

# Behind a reverse proxy, list its address so X-Forwarded-Proto/For are believed.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# gunicorn >= 25.1 opens a control socket at one path per user, which two instances on one
# machine would fight over; open it only where asked for.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Prometheus: every worker writes its numbers to one directory, so whichever worker answers
# /metrics reports the whole node. Unset, the node gets a private directory of its own.
OWN_METRICS_PREFIX = "backoffice-metrics-"
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix=OWN_METRICS_PREFIX)


def on_starting(server: object) -> None:
    """Start from an empty metrics directory: numbers of an earlier run must not add up."""
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    for leftover in directory.glob("*.db"):
        leftover.unlink()


def child_exit(server: object, worker: Any) -> None:
    """A worker that exited no longer counts in gauges such as calls in flight."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: object) -> None:
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    if directory.parent == Path(tempfile.gettempdir()) and directory.name.startswith(
        OWN_METRICS_PREFIX
    ):
        shutil.rmtree(directory, ignore_errors=True)
