"""The audit trail the database itself guards: UPDATE and DELETE refused by a trigger, and each
record chained to the one before by its hash, which `manage.py verify_audit` walks."""

from __future__ import annotations

import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, connections, transaction

from backoffice import audit
from backoffice.audit_chain import GENESIS_HASH, content_hash
from backoffice.models import AuditRecord, StaffMember
from tests.audit_guard import guard_lifted


def staff_member(user_id: str = "u-bob") -> StaffMember:
    member, _ = StaffMember.objects.get_or_create(
        gateway_user_id=user_id,
        defaults={"username": f"finhub-demo:{user_id}", "display_name": f"Staff {user_id}"},
    )
    return member


def write(number: int, **extra: Any) -> AuditRecord:
    return audit.record(
        staff=staff_member(),
        action="customer.status",
        target_type="customer",
        target_id=f"c-{number:05}",
        summary={"before": {"status": "new"}, "after": {"status": "verified"}, "n": number},
        request_id=f"req-{number}",
        **extra,
    )


def verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def verify_fails() -> str:
    with pytest.raises(CommandError) as failed:
        verify()
    assert failed.value.returncode != 0
    return str(failed.value)


def raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


# The chain


@pytest.mark.django_db
def test_each_record_carries_the_hash_of_the_one_before() -> None:
    first, second, third = write(1), write(2), write(3)
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.record_hash
    assert third.previous_hash == second.record_hash
    assert len({first.record_hash, second.record_hash, third.record_hash}) == 3
    for record in AuditRecord.objects.all():
        assert content_hash(record) == record.record_hash


@pytest.mark.django_db
def test_the_hash_covers_the_content_and_the_link() -> None:
    record = write(1)
    stored = AuditRecord.objects.get(pk=record.pk)
    assert content_hash(stored) == record.record_hash
    for field, value in [
        ("outcome", "GatewayTimeout"),
        ("summary", {"n": 2}),
        ("staff_name", "Someone Else"),
        ("previous_hash", "f" * 64),
    ]:
        original = getattr(stored, field)
        setattr(stored, field, value)
        assert content_hash(stored) != record.record_hash, field
        setattr(stored, field, original)


@pytest.mark.django_db
def test_verify_audit_says_how_many_records_and_that_the_chain_is_intact() -> None:
    assert verify() == "0 records, chain intact.\n"
    for number in range(3):
        write(number)
    last = AuditRecord.objects.order_by("-pk").first()
    assert last is not None
    assert verify() == f"3 records, chain intact. Last hash: {last.record_hash}\n"


@pytest.mark.django_db
def test_records_cannot_be_created_in_bulk_around_the_chain() -> None:
    member = staff_member()
    with pytest.raises(PermissionError):
        AuditRecord.objects.bulk_create(
            [AuditRecord(staff=member, action="x", target_type="y", target_id="z", outcome="ok")]
        )
    assert not AuditRecord.objects.exists()


# The database refuses changes


@pytest.mark.django_db
def test_the_database_refuses_an_update_of_a_record() -> None:
    record = write(1, outcome="GatewayTimeout")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("UPDATE backoffice_auditrecord SET outcome = %s WHERE id = %s", ["ok", record.pk])
    assert AuditRecord.objects.get(pk=record.pk).outcome == "GatewayTimeout"
    assert verify().startswith("1 record, chain intact.")


@pytest.mark.django_db
def test_the_database_refuses_a_delete_of_a_record() -> None:
    write(1)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("DELETE FROM backoffice_auditrecord")
    assert AuditRecord.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own trigger")
def test_on_postgresql_a_trigger_refuses_update_and_delete_with_restrict_violation() -> None:
    record = write(1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            ["backoffice_auditrecord"],
        )
        assert cursor.fetchall() == [("backoffice_auditrecord_append_only",)]
    for sql in (
        "UPDATE backoffice_auditrecord SET outcome = 'ok-forged'",
        "DELETE FROM backoffice_auditrecord",
    ):
        with pytest.raises(IntegrityError) as refused, transaction.atomic():
            raw(sql)
        assert getattr(refused.value.__cause__, "sqlstate", None) == "23001"  # restrict_violation
    assert AuditRecord.objects.get().record_hash == record.record_hash


# Tampering is found


@pytest.mark.django_db
def test_a_record_changed_behind_the_apps_back_is_named_by_verify_audit() -> None:
    records = [write(n) for n in range(4)]
    tampered = records[2]
    with guard_lifted():
        raw(
            "UPDATE backoffice_auditrecord SET outcome = %s WHERE id = %s",
            ["ok-forged", tampered.pk],
        )
    message = verify_fails()
    assert message.startswith(f"Audit chain broken at record {tampered.pk} (")
    assert "its content does not match its hash" in message


@pytest.mark.django_db
def test_a_summary_changed_behind_the_apps_back_is_named_too() -> None:
    records = [write(n) for n in range(3)]
    with guard_lifted():
        raw(
            "UPDATE backoffice_auditrecord SET summary = %s WHERE id = %s",
            ['{"n": 0}', records[1].pk],
        )
    assert f"at record {records[1].pk} " in verify_fails()


@pytest.mark.django_db
def test_a_removed_record_breaks_the_link_of_the_next() -> None:
    records = [write(n) for n in range(4)]
    with guard_lifted():
        raw("DELETE FROM backoffice_auditrecord WHERE id = %s", [records[1].pk])
    message = verify_fails()
    assert message.startswith(f"Audit chain broken at record {records[2].pk} (")
    assert f"it does not follow record {records[0].pk}" in message


@pytest.mark.django_db
def test_a_record_rehashed_after_a_change_still_breaks_the_next_link() -> None:
    records = [write(n) for n in range(3)]
    forged = AuditRecord.objects.get(pk=records[1].pk)
    forged.outcome = "ok-forged"
    forged_hash = content_hash(forged)
    with guard_lifted():
        raw(
            "UPDATE backoffice_auditrecord SET outcome = %s, record_hash = %s WHERE id = %s",
            ["ok-forged", forged_hash, forged.pk],
        )
    message = verify_fails()
    assert message.startswith(f"Audit chain broken at record {records[2].pk} (")


@pytest.mark.django_db
def test_verify_audit_exits_non_zero_from_the_command_line() -> None:
    write(1)
    with guard_lifted():
        raw("UPDATE backoffice_auditrecord SET target_id = 'c-99999'")
    with pytest.raises(SystemExit) as exited:
        from django.core.management import ManagementUtility

        ManagementUtility(["manage.py", "verify_audit"]).execute()
    assert exited.value.code == 1


# Concurrency


@pytest.mark.django_db(transaction=True)
def test_parallel_appends_keep_one_unbroken_chain() -> None:
    member = staff_member()
    threads_count, per_thread = 6, 8
    start = threading.Barrier(threads_count)
    failures: list[BaseException] = []

    def append_many(thread_number: int) -> None:
        try:
            start.wait()
            for number in range(per_thread):
                audit.record(
                    staff=member,
                    action="ticket.reply",
                    target_type="ticket",
                    target_id=f"t-{thread_number:02}{number:03}",
                    summary={"thread": thread_number, "n": number},
                    request_id=f"req-{thread_number}-{number}",
                )
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append_many, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    total = threads_count * per_thread
    assert AuditRecord.objects.count() == total
    previous = list(AuditRecord.objects.values_list("previous_hash", flat=True))
    assert len(set(previous)) == total, "two records chained onto the same one"
    assert verify().startswith(f"{total} records, chain intact.")


# Records written before the chain existed


@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_the_records_already_written_then_guards_the_table() -> None:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    (chain_migration,) = [
        key
        for key in executor.loader.graph.nodes
        if key[0] == "backoffice" and key[1].endswith("_auditrecord_chain")
    ]
    before_chain = [
        parent.key
        for parent in executor.loader.graph.node_map[chain_migration].parents
        if parent.key[0] == "backoffice"
    ]
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before_chain)
    old_apps = executor.loader.project_state(before_chain).apps
    member = old_apps.get_model("backoffice", "StaffMember").objects.create(
        username="finhub-demo:bob", gateway_user_id="u-bob"
    )
    old_records = old_apps.get_model("backoffice", "AuditRecord").objects
    for number in range(3):
        old_records.create(
            staff=member, action="customer.status", target_id=f"c-{number}", outcome="ok"
        )

    MigrationExecutor(connection).migrate(latest)

    assert verify().startswith("3 records, chain intact.")
    first = AuditRecord.objects.order_by("pk").first()
    assert first is not None and first.previous_hash == GENESIS_HASH
    assert write(4).previous_hash == AuditRecord.objects.order_by("pk")[2].record_hash
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("UPDATE backoffice_auditrecord SET outcome = 'ok-forged'")
