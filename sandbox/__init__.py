"""FinHub sandbox gateway: a stand-alone emulator of the FinHub REST gateway.

A plain WSGI application (no Django) with its own SQLite database, served by waitress.
The back office never imports this package; it talks to it over HTTP exactly as it would
talk to the real gateway. Start it with ``python -m sandbox`` (see ``docs/gateway.md``).
"""
