"""One error hierarchy for the gateway; each error carries a sentence a person can act on."""

from __future__ import annotations


class GatewayError(Exception):
    """Base class: the gateway could not give us what we asked for."""

    title = "The gateway could not complete the request"
    advice = "Try again in a moment."
    # True when the request may have reached the gateway and been acted on although no answer
    # came back: for a write, "outcome unknown", not "failed".
    outcome_unknown = False

    def __init__(
        self,
        message: str = "",
        *,
        status: int | None = None,
        request_id: str = "",
        field_errors: dict[str, list[str]] | None = None,
    ) -> None:
        self.message = message or self.title
        self.status = status
        self.request_id = request_id
        self.field_errors = field_errors or {}
        super().__init__(self.message)

    @property
    def kind(self) -> str:
        return type(self).__name__


class GatewayUnavailable(GatewayError):
    title = "The gateway is unavailable"
    advice = "Nothing was changed. Try again in a moment; if it persists, tell the platform team."


class GatewayTimeout(GatewayUnavailable):
    """The request was sent but no answer came in time: the gateway may have acted on it."""

    title = "The gateway did not answer in time"
    advice = (
        "If you were saving something, reload the page to check whether it was saved "
        "before trying again."
    )
    outcome_unknown = True


class GatewayDeadlineExceeded(GatewayTimeout):
    """The page's time for the gateway ran out before this call: nothing was sent."""

    advice = "Nothing was sent. The gateway is slow right now; try again in a moment."
    outcome_unknown = False


class GatewayBusy(GatewayUnavailable):
    """Too many pages of this process are already waiting on the gateway: nothing was sent."""

    title = "The back office is busy"
    advice = "Nothing was sent. Try again in a few seconds."
    retry_after_seconds = 5


class GatewayConnectionLost(GatewayUnavailable):
    """The connection broke after the request was sent (mid-answer): it may have been acted on."""

    title = "The gateway connection broke before its answer arrived"
    advice = (
        "If you were saving something, reload the page to check whether it was saved "
        "before trying again."
    )
    outcome_unknown = True


class GatewayUnauthorized(GatewayError):
    title = "Your gateway session has ended"
    advice = "Sign in again."


class GatewayForbidden(GatewayError):
    title = "The gateway refused access"
    advice = "Your role or tenant does not allow this. Ask an administrator if you need it."


class GatewayNotFound(GatewayError):
    title = "Not found at the gateway"
    advice = "Check the id and try again."


class GatewayRejected(GatewayError):
    title = "The gateway rejected the request"
    advice = "Correct the highlighted fields and submit again."


class GatewayBadResponse(GatewayError):
    title = "The gateway sent an answer we could not read"
    advice = "Nothing on this page can be trusted; try again, and report it if it persists."
