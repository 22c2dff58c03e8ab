"""Each role lands where its work is, after sign-in and on `/`; a `next` address still wins."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import responses
from django.test import Client

from backoffice.landing import landing_path
from backoffice.models import StaffMember
from backoffice.staff import StaffIdentity
from customers.models import ChangeRequest
from tests.backoffice.test_sign_in import fake_bob_signs_in

QUEUE_MINE = "/tickets/?view=mine"


def identity(*roles: str) -> StaffIdentity:
    return StaffIdentity("u-x", "x", "X", roles, "finhub-demo")


def never_asked() -> int:
    raise AssertionError("the approvals count is only read for officers")


@pytest.mark.parametrize(
    ("roles", "waiting", "lands_on"),
    [
        (("ASSIGNEE",), never_asked, QUEUE_MINE),
        (("COMPLIANCE",), lambda: 0, "/customers/"),
        (("COMPLIANCE",), lambda: 2, "/approvals/"),
        (("ADMIN",), lambda: 0, "/customers/"),
        (("ADMIN",), lambda: 1, "/approvals/"),
        (("ADMIN", "ASSIGNEE"), lambda: 0, "/customers/"),
        ((), never_asked, "/customers/"),
    ],
)
def test_each_role_lands_where_its_work_is(
    roles: tuple[str, ...], waiting: Callable[[], int], lands_on: str
) -> None:
    assert landing_path(identity(*roles), waiting) == lands_on


def pending_change(maker: StaffMember) -> ChangeRequest:
    return ChangeRequest.objects.create(
        customer_id="c-00042",
        customer_name="Ivan Petrov",
        action="status",
        path_params={"customer_id": "c-00042", "status": "blacklisted"},
        body={"id": "c-00042", "customerStatus": "blacklisted"},
        before={"status": "verified"},
        after={"status": "blacklisted"},
        reason="Sanctions hit",
        maker=maker,
    )


def test_the_front_door_sends_an_agent_to_their_tickets(sign_in: Callable[..., Client]) -> None:
    response = sign_in("carol").get("/")
    assert response.status_code == 302
    assert response["Location"] == QUEUE_MINE


def test_the_front_door_sends_an_officer_to_approvals_only_when_others_wait_for_them(
    sign_in: Callable[..., Client],
) -> None:
    bob = sign_in("bob")
    alice = sign_in("alice")
    assert bob.get("/")["Location"] == "/customers/"
    pending_change(StaffMember.objects.get(gateway_user_id="u-bob"))

    # Bob's own request waits for someone else; Alice can decide it.
    assert bob.get("/")["Location"] == "/customers/"
    assert alice.get("/")["Location"] == "/approvals/"


@pytest.mark.django_db
def test_sign_in_lands_on_the_roles_page_unless_next_says_otherwise(
    client: Client, gateway: responses.RequestsMock
) -> None:
    fake_bob_signs_in(gateway)
    maker = StaffMember.objects.create(gateway_user_id="u-erin", username="finhub-demo:erin")
    pending_change(maker)

    response = client.post("/login/", {"username": "bob", "password": "bob-sandbox"})
    assert response["Location"] == "/approvals/"

    client.post("/logout/")
    fake_bob_signs_in(gateway)
    response = client.post(
        "/login/", {"username": "bob", "password": "bob-sandbox", "next": "/tickets/t-00001/"}
    )
    assert response["Location"] == "/tickets/t-00001/"
