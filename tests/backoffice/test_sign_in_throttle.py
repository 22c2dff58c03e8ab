"""The sign-in throttle: atomic counts per username at an address and per address."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
import responses
from django.test import Client

from backoffice.sign_in import SignInRefused, sign_in
from tests.backoffice.test_sign_in import TOKEN_URL, token_answer
from tests.conftest import FAKE_GATEWAY

WRONG = {"status": 401, "message": "Bad credentials"}
ATTACKER = "203.0.113.9"
BOB_AT_HIS_DESK = "198.51.100.7"
PROXY = "10.0.0.2"


def slow_gateway_that_knows_bobs_password(gateway: responses.RequestsMock) -> list[str]:
    """Counts every password the gateway checks; each check takes a while, as real ones do."""
    checked: list[str] = []
    lock = threading.Lock()

    def check(request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        with lock:
            checked.append(body["password"])
        time.sleep(0.2)
        if body == {"username": "bob", "password": "bob-sandbox"}:
            return 200, {}, json.dumps(token_answer())
        return 401, {}, json.dumps(WRONG)

    gateway.add_callback(responses.POST, TOKEN_URL, callback=check)
    gateway.get(FAKE_GATEWAY + "/api/v2/users/u-bob", json={"name": "Bob Compliance"})
    return checked


def sign_ins_at_once(count: int, password_of_try: Any, address: str) -> list[str]:
    """`count` sign-ins of bob in parallel threads; each outcome as "signed in" or the refusal."""
    outcomes: list[str] = []

    def try_once(number: int) -> None:
        try:
            sign_in("bob", password_of_try(number), client_address=address, request_id=f"r{number}")
        except SignInRefused as refusal:
            outcomes.append(str(refusal))
        else:
            outcomes.append("signed in")

    threads = [threading.Thread(target=try_once, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_parallel_guesses_check_no_more_passwords_than_the_limit(
    gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 5
    checked = slow_gateway_that_knows_bobs_password(gateway)

    refused = sign_ins_at_once(12, lambda n: f"guess-{n}", ATTACKER)

    assert len(checked) == 5
    assert len(refused) == 12
    assert sum("Too many failed sign-ins" in message for message in refused) == 7


def test_more_parallel_right_sign_ins_than_the_limit_all_get_in(
    gateway: responses.RequestsMock, settings: Any
) -> None:
    """Tabs and devices signing one officer in at once: attempts in flight are not failures."""
    settings.LOGIN_FAILURE_LIMIT = 3
    checked = slow_gateway_that_knows_bobs_password(gateway)

    outcomes = sign_ins_at_once(6, lambda n: "bob-sandbox", BOB_AT_HIS_DESK)

    assert outcomes == ["signed in"] * 6
    assert len(checked) == 6


def test_guesses_waiting_behind_attempts_in_flight_are_still_refused_after_failures(
    gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    checked = slow_gateway_that_knows_bobs_password(gateway)

    refused = sign_ins_at_once(8, lambda n: f"guess-{n}", ATTACKER)

    assert len(checked) == 3
    assert sum("Too many failed sign-ins" in message for message in refused) == 5


def login(client: Client, password: str, **headers: str) -> int:
    response = client.post("/login/", {"username": "bob", "password": password}, **headers)
    return int(response.status_code)


@pytest.mark.django_db
def test_a_stranger_cannot_lock_an_officer_out_from_elsewhere(
    gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    checked = slow_gateway_that_knows_bobs_password(gateway)
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for number in range(5):
        login(attacker, f"guess-{number}")
    assert len(checked) == 3
    assert login(attacker, "bob-sandbox") == 400  # locked out where the attacker is

    assert login(Client(REMOTE_ADDR=BOB_AT_HIS_DESK), "bob-sandbox") == 302
    assert checked[-1] == "bob-sandbox"


@pytest.mark.django_db
def test_one_address_guessing_many_usernames_is_stopped_at_the_address_limit(
    gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    gateway.post(TOKEN_URL, status=401, json=WRONG)
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for username in ("alice", "bob", "carol", "erin", "dave", "frank"):
        attacker.post("/login/", {"username": username, "password": "guess"})
    assert len(gateway.calls) == 4


@pytest.mark.django_db
def test_x_forwarded_for_is_ignored_unless_a_proxy_is_trusted(
    gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    gateway.post(TOKEN_URL, status=401, json=WRONG)
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for number in range(5):  # a new made-up address each time
        login(attacker, "guess", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    assert len(gateway.calls) == 2


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_address_it_saw_is_the_client(
    gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    checked = slow_gateway_that_knows_bobs_password(gateway)
    through_the_proxy = Client(REMOTE_ADDR=PROXY)
    for number in range(4):
        # The attacker makes up the left part; the proxy appends the address it really saw.
        spoofed = f"192.0.2.{number}, {ATTACKER}"
        login(through_the_proxy, f"guess-{number}", HTTP_X_FORWARDED_FOR=spoofed)
    assert len(checked) == 2

    assert login(through_the_proxy, "bob-sandbox", HTTP_X_FORWARDED_FOR=BOB_AT_HIS_DESK) == 302


@pytest.mark.django_db
def test_a_gateway_outage_does_not_count_against_anyone(
    gateway: responses.RequestsMock, settings: Any
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    gateway.post(TOKEN_URL, status=503, json={"status": 503, "message": "maintenance"})
    client = Client(REMOTE_ADDR=BOB_AT_HIS_DESK)
    assert [login(client, "bob-sandbox") for _ in range(4)] == [502] * 4
    assert len(gateway.calls) == 4
