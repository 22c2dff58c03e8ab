"""The migration to one pending request per customer and kind closes older duplicates first."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from backoffice.audit_chain import check_chain
from backoffice.models import AuditRecord, StaffMember

BEFORE = [("customers", "0001_initial")]
AFTER = [("customers", "0002_one_pending_change_per_customer_and_kind")]


def migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_duplicate_pending_requests_keep_the_earliest_and_the_rest_are_audited_as_superseded() -> (
    None
):
    apps = migrate(BEFORE)
    # The real model: only the customers app is taken back in time.
    staff = StaffMember.objects.create(
        username="finhub-demo:bob", gateway_user_id="u-bob", display_name="Bob Compliance"
    )
    requests = apps.get_model("customers", "ChangeRequest").objects
    common = {"customer_id": "c-00042", "customer_name": "Ivan Petrov", "maker_id": staff.pk}
    first = requests.create(
        action="status", before={"status": "new"}, after={"status": "verified"}, **common
    )
    second = requests.create(
        action="status", before={"status": "new"}, after={"status": "blacklisted"}, **common
    )
    other_kind = requests.create(action="kyc", after={"kyc": "confirmed"}, **common)
    try:
        apps = migrate(AFTER)
        ChangeRequest = apps.get_model("customers", "ChangeRequest")
        statuses = dict(ChangeRequest.objects.values_list("pk", "status"))
        assert statuses == {first.pk: "pending", second.pk: "superseded", other_kind.pk: "pending"}
        assert f"#{first.pk}" in ChangeRequest.objects.get(pk=second.pk).outcome
        record = apps.get_model("backoffice", "AuditRecord").objects.get()
        assert (record.action, record.target_id, record.outcome, record.staff_user_id) == (
            "approval.superseded",
            "c-00042",
            "superseded",
            "u-bob",
        )
        assert record.summary["change_request"] == second.pk
        assert record.summary["kept_request"] == first.pk
        assert check_chain(AuditRecord.objects.order_by("pk")).broken is None
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
