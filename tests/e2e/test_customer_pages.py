"""Customer list and customer page as a signed-in compliance officer sees them over HTTP."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest

from customers.enums import CUSTOMER_STATUSES
from sandbox.customer.seed import DEMO_STATUS_COUNTS
from sandbox.server import RunningSandbox
from tests.e2e.support import (
    CUSTOMERS_PREFIX,
    OTHER_TENANT,
    StaffClient,
    gateway_call,
    page_count,
    raw_customer,
    row_badges,
    row_ids,
    secret_values,
    subtitle,
)

pytestmark = pytest.mark.e2e

DEMO_TOTAL = sum(DEMO_STATUS_COUNTS.values())
PAYLOAD_CUSTOMERS = ("c-00007", "c-00013", "c-00042")
EN_DASH = "\N{EN DASH}"


def test_the_list_shows_every_customer_of_the_tenant(bob: StaffClient) -> None:
    response = bob.get("/customers/")

    assert response.status_code == 200
    assert subtitle(response.text) == f"All statuses · {DEMO_TOTAL} customers"
    assert DEMO_TOTAL >= 2000
    assert len(row_ids(response.text)) == 25
    assert f"Page 1 of {page_count(DEMO_TOTAL)}" in response.text
    # finhub-other's customers are c-02201 and up
    assert all(int(customer_id[2:]) <= 2200 for customer_id in row_ids(response.text))


@pytest.mark.parametrize("status", sorted(DEMO_STATUS_COUNTS))
def test_filtering_by_status_shows_only_that_status(bob: StaffClient, status: str) -> None:
    label = CUSTOMER_STATUSES[status]

    response = bob.get(f"/customers/?status={status}")

    assert response.status_code == 200
    assert subtitle(response.text) == f"{label} · {DEMO_STATUS_COUNTS[status]} customers"
    assert row_badges(response.text) == [label] * 25
    assert re.search(rf'<a href="\?status={status}"[^>]*aria-current="page"', response.text)


def test_page_two_shows_the_next_customers(bob: StaffClient) -> None:
    first = bob.get("/customers/?status=verified")
    second = bob.get("/customers/?status=verified&page=2")

    assert second.status_code == 200
    first_ids, second_ids = row_ids(first.text), row_ids(second.text)
    assert len(second_ids) == 25
    assert not set(first_ids) & set(second_ids)
    pages = page_count(DEMO_STATUS_COUNTS["verified"])
    assert f"26{EN_DASH}50 of {DEMO_STATUS_COUNTS['verified']}" in second.text
    assert f"Page 2 of {pages}" in second.text
    assert 'rel="prev" href="?status=verified"' in second.text
    assert 'rel="next" href="?status=verified&amp;page=3"' in second.text


def test_a_page_past_the_end_says_so(bob: StaffClient) -> None:
    response = bob.get("/customers/?status=dispute&page=999")

    assert response.status_code == 200
    assert "There is no page 999 for these filters." in response.text


def test_invalid_filters_are_explained_not_sent_to_the_gateway(bob: StaffClient) -> None:
    response = bob.get("/customers/?status=nonsense&page=0")

    assert response.status_code == 400
    assert "Some filters are not valid." in response.text
    assert "<tbody>" not in response.text


def test_an_htmx_request_gets_only_the_list_fragment_and_a_url_to_push(bob: StaffClient) -> None:
    response = bob.htmx_get(
        "/customers/?status=on_hold&page=2&type=", current_url="/customers/?status=on_hold"
    )

    assert response.status_code == 200
    assert response.headers["HX-Push-Url"] == "/customers/?status=on_hold&page=2"
    assert "HX-Request" in response.headers["Vary"]
    body = response.text.strip()
    assert body.startswith('<section id="customer-list"')
    assert body.endswith("</section>")
    assert "<html" not in body
    assert "<head" not in body
    assert subtitle(body) == f"On hold · {DEMO_STATUS_COUNTS['on_hold']} customers"
    assert len(row_ids(body)) == 25


def test_an_htmx_history_restore_gets_the_whole_page(bob: StaffClient) -> None:
    response = bob.htmx_get(
        "/customers/?status=on_hold&page=2", headers={"HX-History-Restore-Request": "true"}
    )

    assert response.status_code == 200
    assert "HX-Push-Url" not in response.headers
    assert response.text.lstrip().startswith("<!doctype html>")


@pytest.mark.parametrize("customer_id", ["c-00001", "c-00100", "c-01234"])
def test_the_customer_page_shows_name_and_documents_and_no_secrets(
    bob: StaffClient, sandbox: RunningSandbox, customer_id: str
) -> None:
    customer = raw_customer(sandbox, customer_id)

    response = bob.get(f"/customers/{customer_id}/")

    assert response.status_code == 200
    page = response.text
    assert f"<h1>{html.escape(customer['customerName'])}" in page
    status_label = CUSTOMER_STATUSES[customer["customerStatus"]]
    assert f'data-testid="customer-status">{status_label}</span>' in page
    documents = customer["person"]["documents"]
    assert documents
    for document in documents:
        assert f">{html.escape(document['name'])}</a></td>" in page  # linked to its page
    for secret in secret_values(customer):
        assert secret not in page, f"secret value {secret!r} is on the page"
    for question in customer["person"]["SecretQuestion"]:
        assert question["question"] not in page


def test_secrets_written_into_a_revision_are_not_shown(
    own_sandbox: Callable[..., RunningSandbox], backoffice_on: Callable[[RunningSandbox], str]
) -> None:
    running = own_sandbox()
    leaked = {
        "person.pinCode": "PIN-4711",
        "person.password": "pw-revision-leak",
        "person.SecretQuestion[0].answer": "secret-answer-revision-leak",
        "twofa.targetCode": "2FA-471147",
        "person.addresses[0].address.floor": "7",
    }
    written = gateway_call(
        running,
        "POST",
        f"{CUSTOMERS_PREFIX}/c-00100/revisions",
        json={"comment": "Imported from the old system", "changes": leaked},
    )
    assert written.status_code == 200, written.text
    client = StaffClient(backoffice_on(running))
    assert client.sign_in("bob").status_code == 302

    page = client.get("/customers/c-00100/").text

    assert "Imported from the old system" in page
    assert "person.addresses[0].address.floor" in page
    for field, value in leaked.items():
        if field != "person.addresses[0].address.floor":
            assert value not in page
    assert "[redacted]" in page


def test_the_customer_list_shows_no_secrets(bob: StaffClient, sandbox: RunningSandbox) -> None:
    page = bob.get("/customers/?status=new").text
    ids = row_ids(page)

    for customer_id in ids[:5]:
        for secret in secret_values(raw_customer(sandbox, customer_id)):
            assert secret not in page


@pytest.mark.parametrize("customer_id", PAYLOAD_CUSTOMERS)
def test_payload_names_are_shown_escaped_on_the_customer_page(
    bob: StaffClient, sandbox: RunningSandbox, customer_id: str
) -> None:
    customer = raw_customer(sandbox, customer_id)
    name = customer["customerName"]
    document = customer["person"]["documents"][0]["name"]

    page = bob.get(f"/customers/{customer_id}/").text

    assert f"<h1>{html.escape(name)}" in page
    assert f">{html.escape(document)}</a></td>" in page
    street = customer["person"]["addresses"][0]["address"]["street"]
    _assert_no_live_markup(page, name, document, street, customer["person"]["email"])


@pytest.mark.parametrize("customer_id", PAYLOAD_CUSTOMERS)
def test_payload_names_are_shown_escaped_in_the_list(
    bob: StaffClient, sandbox: RunningSandbox, customer_id: str
) -> None:
    customer = raw_customer(sandbox, customer_id)
    # Narrow the list until the payload customer is on its first page.
    query = (
        f"organization={customer['organizationId']}"
        f"&status={customer['customerStatus']}&type=Person&page_size=100"
    )

    page = bob.get(f"/customers/?{query}").text

    assert customer_id in row_ids(page)
    assert f">{html.escape(customer['customerName'])}</a>" in page
    _assert_no_live_markup(page, customer["customerName"])


def _assert_no_live_markup(page: str, *payloads: str) -> None:
    """Each payload is on the page as text only: escaped, and never as markup."""
    for payload in payloads:
        assert html.escape(payload) in page
        if html.escape(payload) != payload:
            assert payload not in page
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts  # htmx and our own script
    for script in scripts:
        assert re.fullmatch(r'<script src="/static/[^"]+"( defer)?>', script), script
    for tag in ("<img", "<svg", "<b>", "<!--"):
        assert tag not in page


def test_an_unknown_customer_id_shows_the_not_found_page(bob: StaffClient) -> None:
    response = bob.get("/customers/c-99999/")

    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.text
    assert "Customer c-99999 not found" in response.text
    assert "Request id" in response.text
    assert "Traceback" not in response.text


def test_an_address_that_is_no_customer_id_shows_the_not_found_page(bob: StaffClient) -> None:
    response = bob.get("/customers/%3Cscript%3E/")

    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.text
    assert "<script>" not in response.text


def test_a_customer_of_another_tenant_is_not_shown(
    bob: StaffClient, sandbox: RunningSandbox
) -> None:
    foreign = raw_customer(sandbox, "c-02201", username="dave", tenant=OTHER_TENANT)

    response = bob.get("/customers/c-02201/")

    assert response.status_code == 403
    assert "The gateway refused access" in response.text
    assert html.escape(foreign["customerName"]) not in response.text
    assert foreign["person"]["email"] not in response.text


def test_the_go_to_box_opens_the_customer(bob: StaffClient) -> None:
    response = bob.get("/customers/go/?id=+c-00042+")

    assert response.status_code == 302
    assert response.headers["Location"] == "/customers/c-00042/"


def test_the_go_to_box_rejects_what_is_not_an_id(bob: StaffClient) -> None:
    response = bob.get("/customers/go/?id=%3Cscript%3E", allow_redirects=True)

    assert response.status_code == 200
    assert response.url.endswith("/customers/")
    assert "Enter a customer id such as c-00042." in response.text
