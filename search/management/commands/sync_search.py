"""`manage.py sync_search`: fill the search indexes from the gateway's lists, page by page.

Resumes an interrupted run after its last finished page; `--restart` starts over;
`--if-stale` leaves alone an index read in full less than SEARCH_REFRESH_SECONDS ago (for cron
or a systemd timer). Reads with a service account (SEARCH_SYNC_USERNAME / _PASSWORD); a sandbox
user is the default only when the gateway is the sandbox on this machine.
"""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from backoffice import search_sync
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.errors import GatewayError
from backoffice.search_sync import IndexSource
from backoffice.tokens import request_token
from customers.search_index import CustomerSource
from tickets.search_index import TicketSource

# Reads only, so the least privileged sandbox user (a support agent) will do.
SANDBOX_SYNC_USER = ("carol", "carol-sandbox")


def sync_credentials() -> tuple[str, str]:
    username, password = settings.SEARCH_SYNC_USERNAME, settings.SEARCH_SYNC_PASSWORD
    if username:
        return username, password
    if urlsplit(settings.GATEWAY_URL).hostname in settings.LOOPBACK_HOSTS:
        return SANDBOX_SYNC_USER
    raise CommandError(
        "Set SEARCH_SYNC_USERNAME and SEARCH_SYNC_PASSWORD: the account the search index is "
        "read with (any staff role that may list customers and tickets)."
    )


class Command(BaseCommand):
    help = "Fill the search indexes (customers, tickets) from the gateway, resumably."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--restart", action="store_true", help="start over from page 1")
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="only indexes older than SEARCH_REFRESH_SECONDS (or left unfinished)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SEARCH_ENABLED:
            self.stdout.write("Search is turned off (SEARCH_ENABLED); nothing to do.")
            return
        auth = self._sign_in()
        sources: list[IndexSource] = [CustomerSource(auth), TicketSource(auth)]
        for source in sources:
            state = search_sync.sync_state(source.name)
            if options["if_stale"] and not state.is_stale(settings.SEARCH_REFRESH_SECONDS):
                self.stdout.write(f"{source.name}: fresh (read {state.completed_at}); skipped")
                continue
            started = time.monotonic()
            try:
                outcome = search_sync.sync_index(
                    source,
                    page_size=settings.SEARCH_SYNC_PAGE_SIZE,
                    restart=options["restart"],
                    progress=self.stdout.write,
                )
            except GatewayError as error:
                raise CommandError(
                    f"{source.name}: {error} — run sync_search again to resume after the "
                    f"last page done ({search_sync.sync_state(source.name).pages_done})."
                ) from error
            self.stdout.write(
                f"{source.name}: {outcome.stored:,} indexed, {outcome.removed:,} removed "
                f"in {time.monotonic() - started:.1f} s"
            )

    def _sign_in(self) -> GatewayAuth:
        username, password = sync_credentials()
        request_id = f"sync-search-{uuid.uuid4().hex[:12]}"
        try:
            grant = request_token(username, password, request_id=request_id)
        except GatewayError as error:
            raise CommandError(
                f"The search sync could not sign in as {username}: {error}"
            ) from error
        return GatewayAuth(grant.access_token, settings.GATEWAY_TENANT_ID, request_id)
