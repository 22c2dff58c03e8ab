"""Serve the sandbox with waitress, in the foreground (CLI) or on a background thread (tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from waitress import create_server, wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.task import WSGITask

from sandbox.app import SandboxApp, create_app
from sandbox.drops import DROP_KEY, SUPPORTED_KEY, Drop


class DroppingTask(WSGITask):  # type: ignore[misc]
    """waitress's WSGI task, able to break the connection when the app asks (``drops``)."""

    def get_environment(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environment()
        environ[SUPPORTED_KEY] = True
        return environ

    def _drop(self) -> Drop | None:
        return (self.environ or {}).get(DROP_KEY)

    def write(self, data: bytes) -> None:
        if self._drop() is Drop.BEFORE_ANSWER:
            return
        super().write(data)
        if self._drop() is Drop.MID_ANSWER and self.content_length is not None:
            # The body was cut short on purpose: nothing more to send, nothing to warn about.
            self.content_bytes_written = self.content_length
            self.close_on_finish = True

    def finish(self) -> None:
        if self._drop() is Drop.BEFORE_ANSWER:
            self.close_on_finish = True  # the channel closes the socket with nothing sent
            return
        super().finish()


class DroppingChannel(HTTPChannel):  # type: ignore[misc]
    task_class = DroppingTask


@dataclass
class RunningSandbox:
    """A sandbox served on a background thread. ``url`` has no trailing slash."""

    app: SandboxApp
    server: BaseWSGIServer
    thread: threading.Thread
    host: str
    port: int
    paused: bool = field(default=False, init=False)

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

    def pause(self) -> None:
        """The gateway goes down: new connections are refused, open ones are closed.

        The database, fault rules and statistics stay as they are; ``resume()`` listens on the
        same port again.
        """
        if not self.paused:
            self._in_loop(self._close_sockets)
            self.paused = True

    def resume(self) -> None:
        if self.paused:
            self._in_loop(self._listen_again)
            self.paused = False

    @contextmanager
    def down(self) -> Iterator[None]:
        """``with running.down(): ...``: paused inside the block, resumed after it."""
        self.pause()
        try:
            yield
        finally:
            self.resume()

    def _close_sockets(self) -> None:
        for channel in list(self.server.active_channels.values()):
            channel.handle_close()
        # Not server.close(): that would also close the trigger this very call came through.
        wasyncore.dispatcher.close(self.server)

    def _listen_again(self) -> None:
        server = self.server
        server.create_socket(server.family, server.socktype)
        server.set_reuse_addr()
        server.bind((self.host, self.port))
        server.accept_connections()

    def _in_loop(self, action: Callable[[], None]) -> None:
        """Run ``action`` on the server's loop thread, which owns the sockets; wait for it."""
        done = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            try:
                action()
            except BaseException as exc:  # handed back to the caller below
                failure.append(exc)
            finally:
                done.set()

        self.server.trigger.pull_trigger(run)
        if not done.wait(timeout=10):
            raise TimeoutError("the sandbox's server loop did not answer")
        if failure:
            raise failure[0]


def make_server(
    app: SandboxApp, host: str = "127.0.0.1", port: int = 8001, threads: int = 16
) -> BaseWSGIServer:
    # waitress keeps HTTP/1.1 connections alive by default; a pooled client reuses them.
    # A client that gives up before its answer is normal here (faults), not worth a traceback.
    server = create_server(
        app, host=host, port=port, threads=threads, ident="finhub-sandbox", log_socket_errors=False
    )
    server.channel_class = DroppingChannel
    return server


def start_in_thread(
    db_path: str, port: int = 0, *, host: str = "127.0.0.1", threads: int = 8, **options: Any
) -> RunningSandbox:
    """Start a sandbox on a free port (``port=0``); ``options`` go to ``create_app``."""
    app = create_app(db_path, **options)
    server = make_server(app, host=host, port=port, threads=threads)
    thread = threading.Thread(target=server.run, name="sandbox-gateway", daemon=True)
    thread.start()
    return RunningSandbox(app, server, thread, host, int(server.effective_port))
