"""The process-wide gateway client, built once from settings."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from .client import ClientSettings, GatewayClient


@cache
def gateway_client() -> GatewayClient:
    return GatewayClient(
        ClientSettings(
            base_url=settings.GATEWAY_URL.rstrip("/"),
            tenant_id=settings.GATEWAY_TENANT_ID,
            connect_timeout=settings.GATEWAY_CONNECT_TIMEOUT,
            read_timeout=settings.GATEWAY_READ_TIMEOUT,
            pool_size=settings.GATEWAY_POOL_SIZE,
            read_retries=settings.GATEWAY_READ_RETRIES,
            retry_backoff=settings.GATEWAY_RETRY_BACKOFF,
            max_in_flight=settings.GATEWAY_MAX_IN_FLIGHT,
            busy_wait=settings.GATEWAY_BUSY_WAIT,
        )
    )
