"""Customer service, base ``/customer/2.0.0``: every read and write of the contract's table.

Handlers and routes live in ``customers``, body checks in ``validation``, enumerated values in
``enums``, SQL in ``data`` and the deterministic seed in ``seed`` (word lists in
``seed_data``).
"""

from __future__ import annotations

from sandbox.customer.customers import BASE, SCHEMA, register, seed_database

__all__ = ["BASE", "SCHEMA", "SEED_NAME", "register", "seed_database"]

# The seed marker keeps the name this service had before it became a package, so a database
# seeded then is not seeded a second time.
SEED_NAME = "sandbox.customers"
