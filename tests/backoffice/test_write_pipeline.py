"""The write pipeline: bound form tokens, one send, truthful second submits, outcome unknown."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests
import responses
from django.utils import timezone

from backoffice import form_tokens, write_pipeline
from backoffice.form_tokens import FormScope, issue_form_token, token_state
from backoffice.gateway.client import GatewayAuth
from backoffice.gateway.errors import GatewayUnavailable
from backoffice.gateway.paths import Endpoint
from backoffice.models import AuditRecord, FormToken, StaffMember
from backoffice.write_pipeline import (
    AlreadySubmitted,
    FormTokenRefused,
    OutcomeUnknown,
    StillChecking,
    Write,
)
from backoffice.write_reconciliation import ReconcileCase, Verdict, reconciler
from tests.conftest import FAKE_GATEWAY, TENANT

THING_SET = Endpoint("POST", "/things/{thing_id}/value", read=False)
THING = f"{FAKE_GATEWAY}/things/t-1"
SCOPE = FormScope("test.thing", "thing", "t-1")


@reconciler("test.thing")
def _thing_has_value(auth: GatewayAuth, case: ReconcileCase) -> bool:
    from backoffice.gateway.connection import gateway_client

    answer = gateway_client().call(
        Endpoint("GET", "/things/{thing_id}", read=True),
        auth=auth,
        path_params={"thing_id": case.target_id},
    )
    return bool(answer["value"] == case.expectation["value"])


def auth(request_id: str = "req-000001") -> GatewayAuth:
    return GatewayAuth("access-secret", TENANT, request_id)


def member(name: str = "bob") -> StaffMember:
    found, _ = StaffMember.objects.get_or_create(
        gateway_user_id=f"u-{name}", defaults={"username": name, "display_name": name.title()}
    )
    return found


def write(value: str = "blue", scope: FormScope = SCOPE) -> Write:
    return Write(
        scope=scope,
        endpoint=THING_SET,
        path_params={"thing_id": scope.target_id},
        json={"value": value},
        summary={"value": value},
        expect={"value": value},
    )


def sends(gateway: responses.RequestsMock) -> int:
    return sum(1 for call in gateway.calls if call.request.method == "POST")


def outcomes() -> list[str]:
    return list(AuditRecord.objects.order_by("id").values_list("outcome", flat=True))


@pytest.fixture
def bob(db: Any) -> StaffMember:
    return member("bob")


@pytest.mark.parametrize(
    "other",
    [
        FormScope("test.thing", "thing", "t-2"),  # another target
        FormScope("test.other", "thing", "t-1"),  # another action
    ],
)
def test_a_token_is_refused_on_another_target_or_action(
    bob: StaffMember, gateway: responses.RequestsMock, other: FormScope
) -> None:
    token = issue_form_token(bob, SCOPE)
    with pytest.raises(FormTokenRefused):
        write_pipeline.submit(auth(), bob, write(scope=other), token)
    assert sends(gateway) == 0
    assert FormToken.objects.count() == 0


def test_a_token_is_refused_for_another_person(
    bob: StaffMember, gateway: responses.RequestsMock
) -> None:
    token = issue_form_token(bob, SCOPE)
    with pytest.raises(FormTokenRefused):
        write_pipeline.submit(auth(), member("alice"), write(), token)
    assert sends(gateway) == 0


def test_a_refused_role_sends_nothing_and_spends_nothing(
    bob: StaffMember, gateway: responses.RequestsMock
) -> None:
    class Refused(Exception):
        pass

    def refuse() -> None:
        raise Refused("no")

    token = issue_form_token(bob, SCOPE)
    with pytest.raises(Refused):
        write_pipeline.submit(auth(), bob, write(), token, permit=refuse)
    assert sends(gateway) == 0
    assert token_state(bob, SCOPE, token) == "issued"


def test_an_applied_form_answers_already_saved_and_sends_nothing_again(
    bob: StaffMember, gateway: responses.RequestsMock
) -> None:
    gateway.post(f"{THING}/value", json={"value": "blue"})
    token = issue_form_token(bob, SCOPE)
    sent = write_pipeline.submit(auth(), bob, write(), token)
    assert sent.answer == {"value": "blue"} and not sent.checked
    assert token_state(bob, SCOPE, token) == "applied"
    with pytest.raises(AlreadySubmitted) as second:
        write_pipeline.submit(auth(), bob, write(), token)
    assert second.value.message.startswith("Already saved; nothing was sent again.")
    assert sends(gateway) == 1
    assert outcomes() == ["ok"]


def test_a_form_that_failed_may_be_sent_again_with_the_same_token(
    bob: StaffMember, gateway: responses.RequestsMock
) -> None:
    gateway.post(f"{THING}/value", status=503, json={"message": "down"})
    token = issue_form_token(bob, SCOPE)
    with pytest.raises(GatewayUnavailable):
        write_pipeline.submit(auth(), bob, write(), token)
    assert token_state(bob, SCOPE, token) == "failed"
    gateway.replace(responses.POST, f"{THING}/value", json={"value": "blue"})
    assert write_pipeline.submit(auth(), bob, write(), token).answer == {"value": "blue"}
    assert sends(gateway) == 2
    assert outcomes() == ["GatewayUnavailable", "ok"]


def test_a_second_submit_while_the_first_is_in_flight_says_so(
    bob: StaffMember, gateway: responses.RequestsMock
) -> None:
    token = issue_form_token(bob, SCOPE)
    with (
        write_pipeline.claim(auth(), bob, SCOPE, token),
        pytest.raises(AlreadySubmitted) as second,
    ):
        write_pipeline.submit(auth(), bob, write(), token)
    assert second.value.message.startswith("This form is still being sent")
    assert sends(gateway) == 0


@pytest.mark.parametrize(
    "lost", [requests.exceptions.ReadTimeout(), requests.exceptions.ChunkedEncodingError()]
)
def test_a_lost_answer_is_audited_as_unknown_then_read_back_as_applied(
    bob: StaffMember, gateway: responses.RequestsMock, lost: Exception
) -> None:
    gateway.post(f"{THING}/value", body=lost)
    gateway.get(THING, json={"value": "blue"})
    token = issue_form_token(bob, SCOPE)
    sent = write_pipeline.submit(auth(), bob, write(), token)
    assert sent.checked
    assert outcomes() == ["outcome_unknown", "reconciled: applied"]
    unknown = AuditRecord.objects.get(outcome="outcome_unknown")
    assert unknown.summary["error"] in ("GatewayTimeout", "GatewayConnectionLost")
    with pytest.raises(AlreadySubmitted) as second:
        write_pipeline.submit(auth(), bob, write(), token)
    assert "nothing was sent again" in second.value.message
    assert sends(gateway) == 1


def test_an_unknown_outcome_blocks_a_resubmit_until_a_read_back_tells(
    bob: StaffMember, gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.GATEWAY_WRITE_SETTLE_SECONDS = 60
    gateway.post(f"{THING}/value", body=requests.exceptions.ReadTimeout())
    reads = gateway.get(THING, json={"value": "red"})
    token = issue_form_token(bob, SCOPE)
    with pytest.raises(OutcomeUnknown) as first:
        write_pipeline.submit(auth(), bob, write(), token)
    assert first.value.verdict is Verdict.UNKNOWN
    assert "We don't know yet whether it was saved; we are checking" in first.value.message
    # Not found yet, but the gateway may still apply it: the same form and a fresh one wait.
    with pytest.raises(StillChecking):
        write_pipeline.submit(auth(), bob, write(), token)
    with pytest.raises(StillChecking):
        write_pipeline.submit(auth(), bob, write(), issue_form_token(bob, SCOPE))
    assert sends(gateway) == 1 and reads.call_count == 3
    # The late write lands: the next submit reads it back and answers "already saved".
    gateway.replace(responses.GET, THING, json={"value": "blue"})
    with pytest.raises(AlreadySubmitted) as later:
        write_pipeline.submit(auth(), bob, write(), token)
    assert later.value.message.startswith("Already saved")
    assert sends(gateway) == 1
    assert outcomes() == ["outcome_unknown", "reconciled: applied"]


def test_an_unknown_outcome_not_found_after_the_settle_time_may_be_sent_again(
    bob: StaffMember, gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.GATEWAY_WRITE_SETTLE_SECONDS = 0
    gateway.post(f"{THING}/value", body=requests.exceptions.ReadTimeout())
    gateway.get(THING, json={"value": "red"})
    token = issue_form_token(bob, SCOPE)
    with pytest.raises(OutcomeUnknown) as first:
        write_pipeline.submit(auth(), bob, write(), token)
    assert first.value.verdict is Verdict.NOT_APPLIED
    assert "not saved" in first.value.message
    assert token_state(bob, SCOPE, token) == "failed"
    gateway.replace(responses.POST, f"{THING}/value", json={"value": "blue"})
    assert write_pipeline.submit(auth(), bob, write(), token).answer == {"value": "blue"}
    assert outcomes() == ["outcome_unknown", "reconciled: not applied", "ok"]


def test_a_read_back_that_fails_leaves_the_outcome_unknown(
    bob: StaffMember, gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.GATEWAY_WRITE_SETTLE_SECONDS = 0
    gateway.post(f"{THING}/value", body=requests.exceptions.ChunkedEncodingError())
    gateway.get(THING, status=503)
    token = issue_form_token(bob, SCOPE)
    with pytest.raises(OutcomeUnknown) as first:
        write_pipeline.submit(auth(), bob, write(), token)
    assert first.value.verdict is Verdict.UNKNOWN
    assert token_state(bob, SCOPE, token) == "outcome_unknown"
    assert outcomes() == ["outcome_unknown"]


def test_of_two_submits_that_both_passed_the_first_check_only_one_claims_the_form(
    bob: StaffMember, gateway: responses.RequestsMock
) -> None:
    """The interleaving of a race: both see "never submitted", then both try to claim.

    (Threads against the in-memory test database fail on its table lock instead of racing;
    the end-to-end suite races real parallel requests against the app's file database.)
    """
    token = issue_form_token(bob, SCOPE)
    write_pipeline.answer_resubmit(auth(), bob, SCOPE, token)
    write_pipeline.answer_resubmit(auth(), bob, SCOPE, token)
    form_tokens.claim_for_sending(bob, SCOPE, token, request_id="first")
    with pytest.raises(AlreadySubmitted) as second:
        form_tokens.claim_for_sending(bob, SCOPE, token, request_id="second")
    assert second.value.state == "in_flight"


def test_of_two_resends_of_a_failed_form_only_one_claims_it(
    bob: StaffMember, gateway: responses.RequestsMock
) -> None:
    token = issue_form_token(bob, SCOPE)
    row = form_tokens.claim_for_sending(bob, SCOPE, token, request_id="first")
    form_tokens.move(row, "failed", from_state="in_flight")
    form_tokens.claim_for_sending(bob, SCOPE, token, request_id="second")
    with pytest.raises(AlreadySubmitted):
        form_tokens.claim_for_sending(bob, SCOPE, token, request_id="third")
    assert FormToken.objects.get().request_id == "second"


def test_a_form_left_in_flight_by_a_dead_process_is_read_back_instead_of_blocked(
    bob: StaffMember, gateway: responses.RequestsMock
) -> None:
    token = issue_form_token(bob, SCOPE)
    form_tokens.claim_for_sending(bob, SCOPE, token, request_id="died")
    FormToken.objects.update(updated_at=timezone.now() - timedelta(minutes=5))
    gateway.get(THING, json={"value": "blue"})
    FormToken.objects.update(expectation={"value": "blue"})
    with pytest.raises(AlreadySubmitted) as second:
        write_pipeline.submit(auth(), bob, write(), token)
    assert second.value.message.startswith("Already saved")
    assert outcomes() == ["reconciled: applied"]
    assert sends(gateway) == 0
