"""``python -m sandbox [--host H] [--port P] [--db PATH] [--threads N]``."""

from __future__ import annotations

import argparse
import logging
import os

from sandbox.app import create_app
from sandbox.server import make_server
from sandbox.settings import DEFAULT_DB_PATH


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument(
        "--db",
        default=os.environ.get("SANDBOX_DB") or DEFAULT_DB_PATH,
        help="SQLite file, seeded when empty (default: $SANDBOX_DB or var/sandbox.sqlite3)",
    )
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app(args.db)
    server = make_server(app, args.host, args.port, args.threads)
    print(
        f"FinHub sandbox gateway ready on http://{args.host}:{server.effective_port}"
        f" (db {args.db})",
        flush=True,
    )
    try:
        server.run()
    finally:
        app.close()


if __name__ == "__main__":
    main()
