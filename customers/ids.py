"""The gateway id shape, kept with the gateway client; re-exported for the customer app."""

from backoffice.gateway.ids import GATEWAY_ID_PATTERN, GATEWAY_ID_REGEX

__all__ = ["GATEWAY_ID_PATTERN", "GATEWAY_ID_REGEX"]
