"""How a customer write view answers: the form again on failure, a toast on success."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from django.contrib import messages
from django.http import HttpResponse

from backoffice.gateway.errors import GatewayError, GatewayRejected, GatewayUnauthorized
from backoffice.http import StaffRequest

from .writes import CustomerWrite, WriteOutcome, WriteRefused, submit_write

ALREADY_SUBMITTED = (
    "This form was already submitted; nothing was sent again. "
    "Check the customer before submitting once more."
)
ShowAgain = Callable[..., HttpResponse]


class GatewayAwareForm(Protocol):
    def add_gateway_errors(self, field_errors: dict[str, list[str]]) -> None: ...

    def add_error(self, field: str | None, error: str) -> None: ...


def send_or_show_again(
    request: StaffRequest, form: GatewayAwareForm, write: CustomerWrite, show_again: ShowAgain
) -> WriteOutcome | HttpResponse:
    """Send the write once; a refusal or gateway failure becomes the form again."""
    try:
        return submit_write(request.gateway_auth, request.user, request.staff, write)
    except WriteRefused as refusal:
        return show_again(403, banner=str(refusal))
    except GatewayUnauthorized:
        raise
    except GatewayRejected as error:
        form.add_gateway_errors(error.field_errors)
        if not error.field_errors:
            form.add_error(None, error.message)
        return show_again(400, error=error)
    except GatewayError as error:
        return show_again(502, error=error)


def tell_saved(request: StaffRequest, outcome: WriteOutcome, write: CustomerWrite) -> None:
    if outcome.pending is not None:
        messages.success(
            request,
            f"{write.label} requested. A second officer must approve it "
            "before it reaches the gateway.",
        )
    else:
        messages.success(request, f"{write.label}: saved at the gateway.")
