"""Serve the sandbox with waitress, in the foreground (CLI) or on a background thread (tests)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from waitress import create_server, wasyncore
from waitress.server import BaseWSGIServer

from sandbox.app import SandboxApp, create_app


@dataclass
class RunningSandbox:
    """A sandbox served on a background thread. ``url`` has no trailing slash."""

    app: SandboxApp
    server: BaseWSGIServer
    thread: threading.Thread
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        """Close the listening socket and open connections, then the database."""
        self.server.task_dispatcher.shutdown()
        # Closing every socket in the loop's own thread ends it cleanly; closing them from here
        # could pull a socket from under a select() that is still waiting on it.
        self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
        self.thread.join(timeout=5)
        self.app.close()


def make_server(
    app: SandboxApp, host: str = "127.0.0.1", port: int = 8001, threads: int = 16
) -> BaseWSGIServer:
    # waitress keeps HTTP/1.1 connections alive by default; a pooled client reuses them.
    return create_server(app, host=host, port=port, threads=threads, ident="finhub-sandbox")


def start_in_thread(
    db_path: str, port: int = 0, *, host: str = "127.0.0.1", threads: int = 8, **options: Any
) -> RunningSandbox:
    """Start a sandbox on a free port (``port=0``); ``options`` go to ``create_app``."""
    app = create_app(db_path, **options)
    server = make_server(app, host=host, port=port, threads=threads)
    thread = threading.Thread(target=server.run, name="sandbox-gateway", daemon=True)
    thread.start()
    return RunningSandbox(app, server, thread, host, int(server.effective_port))
