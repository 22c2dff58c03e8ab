"""How a customer write view answers: the form again on failure, a toast on success.

Whatever happens, the answer is the form with everything typed and the same form token, so a
resubmit is answered from what became of this one (see backoffice/write_pipeline.py).
"""

from __future__ import annotations

from typing import Protocol

from django.contrib import messages
from django.http import HttpResponse

from backoffice.gateway.errors import GatewayError, GatewayRejected, GatewayUnauthorized
from backoffice.http import StaffRequest
from backoffice.write_forms import ShowAgain
from backoffice.write_pipeline import AlreadySubmitted, FormTokenRefused, StillChecking

from .records import CustomerDetail
from .writes import AlreadyPending, CustomerWrite, WriteOutcome, WriteRefused, submit_write

# A write whose outcome is not known yet is not an error: the page says we are checking.
OUTCOME_UNKNOWN_STATUS = 202


class GatewayAwareForm(Protocol):
    def add_gateway_errors(self, field_errors: dict[str, list[str]]) -> None: ...

    def add_error(self, field: str | None, error: str) -> None: ...


def send_or_show_again(
    request: StaffRequest,
    form: GatewayAwareForm,
    write: CustomerWrite,
    show_again: ShowAgain,
    *,
    form_token: str,
    before: CustomerDetail | None = None,
) -> WriteOutcome | HttpResponse:
    """Send the write once; a refusal, a second submit or a gateway failure becomes the form."""
    try:
        return submit_write(
            request.gateway_auth, request.user, request.staff, write, form_token, before=before
        )
    except AlreadyPending as refusal:
        return show_again(409, banner=str(refusal))
    except WriteRefused as refusal:
        return show_again(403, banner=str(refusal))
    except FormTokenRefused as refused:
        return show_again(409, renew_token=True, banner=refused.message)
    except (AlreadySubmitted, StillChecking) as answered:
        return show_again(409, banner=answered.message)
    except GatewayUnauthorized:
        raise
    except GatewayRejected as error:
        form.add_gateway_errors(error.field_errors)
        if not error.field_errors:
            form.add_error(None, error.message)
        return show_again(400, error=error)
    except GatewayError as error:
        return show_again(OUTCOME_UNKNOWN_STATUS if error.outcome_unknown else 502, error=error)


def tell_saved(request: StaffRequest, outcome: WriteOutcome, write: CustomerWrite) -> None:
    if outcome.pending is not None:
        messages.success(
            request,
            f"{write.label} requested. A second officer must approve it "
            "before it reaches the gateway.",
        )
    elif outcome.checked:
        messages.success(
            request,
            f"{write.label}: saved at the gateway. Its answer was lost on the way back; "
            "reading the customer back confirmed it.",
        )
    else:
        messages.success(request, f"{write.label}: saved at the gateway.")
