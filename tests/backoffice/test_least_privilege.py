"""Least privilege: the compliance areas (audit trail, four-eyes approvals) are closed to
support agents (ASSIGNEE), on the server for every route and in the top bar."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
import responses
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from backoffice.models import AuditRecord, StaffMember
from customers.models import ChangeRequest

SAMPLE_ARGUMENTS = {"int": "1", "slug": "approve", "str": "x", "path": "x", "uuid": ""}


def _routes_under(prefix: str) -> Iterator[str]:
    """Every route the URLconf holds under a prefix, with sample values for its arguments."""
    for top in get_resolver().url_patterns:
        if not isinstance(top, URLResolver) or str(top.pattern) != prefix:
            continue
        for pattern in top.url_patterns:
            assert isinstance(pattern, URLPattern), "nested includes are not expected here"
            route = str(pattern.pattern)
            for name, converter in pattern.pattern.converters.items():
                kind = type(converter).__name__.removesuffix("Converter").lower()
                route = re.sub(rf"<(?:\w+:)?{name}>", SAMPLE_ARGUMENTS.get(kind, "x"), route)
            yield "/" + prefix + route


COMPLIANCE_ROUTES = sorted({*_routes_under("audit/"), *_routes_under("approvals/")})


def test_the_route_list_covers_the_known_compliance_pages() -> None:
    assert {"/audit/", "/audit/export.csv", "/approvals/", "/approvals/1/approve/"} <= set(
        COMPLIANCE_ROUTES
    )


@pytest.fixture
def carol(sign_in: Callable[..., Client]) -> Client:
    return sign_in("carol")


@pytest.fixture
def pending_change(sign_in: Callable[..., Client]) -> ChangeRequest:
    sign_in("bob")
    return ChangeRequest.objects.create(
        customer_id="c-00042",
        customer_name="Ivan Petrov",
        action="status",
        path_params={"customer_id": "c-00042", "status": "blacklisted"},
        body={"id": "c-00042", "customerStatus": "blacklisted"},
        before={"status": "verified"},
        after={"status": "blacklisted"},
        reason="Sanctions hit",
        maker=StaffMember.objects.get(gateway_user_id="u-bob"),
    )


@pytest.mark.parametrize("path", COMPLIANCE_ROUTES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_support_agent_is_refused_every_compliance_route(
    carol: Client,
    gateway: responses.RequestsMock,
    pending_change: ChangeRequest,
    method: str,
    path: str,
) -> None:
    path = path.replace("/1/", f"/{pending_change.pk}/")
    response = getattr(carol, method)(path, {"note": "looks fine"})
    assert response.status_code == 403
    assert "Your role does not allow this" in response.content.decode()
    assert len(gateway.calls) == 0
    pending_change.refresh_from_db()
    assert pending_change.status == ChangeRequest.Status.PENDING
    assert not AuditRecord.objects.exists()


@pytest.mark.parametrize("decision", ["approve", "reject", "withdraw"])
def test_a_support_agent_cannot_decide_a_pending_change(
    carol: Client,
    gateway: responses.RequestsMock,
    pending_change: ChangeRequest,
    decision: str,
) -> None:
    response = carol.post(f"/approvals/{pending_change.pk}/{decision}/", {"note": "no"})
    assert response.status_code == 403
    assert len(gateway.calls) == 0
    pending_change.refresh_from_db()
    assert pending_change.status == ChangeRequest.Status.PENDING


def test_the_audit_export_holds_nothing_for_a_support_agent(
    carol: Client, pending_change: ChangeRequest
) -> None:
    response = carol.get("/audit/export.csv")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert "Sanctions hit" not in response.content.decode()


@pytest.mark.parametrize("username", ["alice", "bob"])
@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv", "/approvals/"])
def test_compliance_officers_and_admins_still_read_them(
    sign_in: Callable[..., Client], username: str, path: str
) -> None:
    assert sign_in(username).get(path).status_code == 200


def _main_navigation(client: Client) -> str:
    page = client.get("/preferences/").content.decode()
    found = re.search(r'<nav aria-label="Main">(.*?)</nav>', page, re.S)
    assert found, "the top bar has a main navigation"
    return found.group(1)


def test_the_top_bar_offers_a_support_agent_neither_audit_nor_approvals(carol: Client) -> None:
    nav = _main_navigation(carol)
    assert 'href="/customers/"' in nav
    assert 'href="/tickets/"' in nav
    assert "/audit/" not in nav
    assert "/approvals/" not in nav


@pytest.mark.parametrize("username", ["alice", "bob"])
def test_the_top_bar_offers_officers_audit_and_approvals(
    sign_in: Callable[..., Client], username: str
) -> None:
    nav = _main_navigation(sign_in(username))
    assert 'href="/audit/"' in nav
    assert 'href="/approvals/"' in nav


@pytest.mark.parametrize(("username", "offered"), [("carol", False), ("bob", True)])
def test_the_customer_page_links_its_pending_change_to_the_queue_only_for_officers(
    sign_in: Callable[..., Client],
    gateway: responses.RequestsMock,
    pending_change: ChangeRequest,
    username: str,
    offered: bool,
) -> None:
    from tests.customers.test_customer_detail_view import register_profile

    register_profile(gateway)
    page = sign_in(username).get(f"/customers/{pending_change.customer_id}/").content.decode()
    assert "Pending approval" in page
    assert ('href="/approvals/"' in page) is offered
