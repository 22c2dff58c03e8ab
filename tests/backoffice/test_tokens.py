"""Reading the gateway's token answers, in either of the shapes its documentation shows."""

import pytest

from backoffice.gateway.errors import GatewayBadResponse
from backoffice.tokens import parse_token_grant


def test_it_reads_the_oauth_shape() -> None:
    grant = parse_token_grant(
        {
            "access_token": "a1",
            "token_type": "Bearer",
            "expires_in": 600,
            "refresh_token": "r1",
            "scope": "backoffice",
            "userId": "u-bob",
            "roles": ["compliance"],
        },
        now=1000.0,
    )
    assert (grant.access_token, grant.refresh_token, grant.expires_at) == ("a1", "r1", 1600.0)
    assert grant.user_id == "u-bob"
    assert grant.roles == ("COMPLIANCE",)


def test_it_reads_the_wrapped_shape() -> None:
    grant = parse_token_grant(
        {
            "code": 200,
            "message": "Success",
            "data": {
                "userSessionToken": "s1",
                "expiresIn": 60,
                "tokenType": "Bearer",
                "userId": "u-alice",
                "tenantId": "finhub-demo",
            },
        },
        now=0.0,
    )
    assert (grant.access_token, grant.expires_at, grant.user_id) == ("s1", 60.0, "u-alice")
    assert grant.refresh_token == ""


@pytest.mark.parametrize(
    "body", [{}, {"access_token": ""}, [], {"access_token": "a", "expires_in": "soon"}]
)
def test_an_answer_without_a_usable_token_is_a_bad_response(body: object) -> None:
    with pytest.raises(GatewayBadResponse):
        parse_token_grant(body)
