"""End-to-end fixtures: the app on pytest-django's live server, the sandbox gateway behind it.

Both hops are real HTTP: ``requests`` -> live server (Django) -> sandbox (waitress).
"""

from __future__ import annotations

from tests.e2e import app_process as app_process_module
from tests.e2e import support

# Fixtures live in ``support`` so that the browser tests can share them.
sandbox_template = support.sandbox_template
sandbox_stopper = support.sandbox_stopper
sandbox = support.sandbox
own_sandbox = support.own_sandbox
backoffice = support.backoffice
backoffice_on = support.backoffice_on
staff = support.staff
bob = support.bob
faults = support.faults
app_process = app_process_module.app_process
