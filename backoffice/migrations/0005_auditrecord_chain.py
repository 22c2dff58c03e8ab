"""The audit trail as a hash chain the database guards.

Existing records are chained in the order they were written, then the database itself refuses
UPDATE and DELETE on the table: a trigger on PostgreSQL (and on SQLite, where tests run).
"""

from typing import Any

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from backoffice import audit_chain

POSTGRESQL_GUARD = [
    """
    CREATE OR REPLACE FUNCTION backoffice_auditrecord_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'Audit records are append-only: % refused.', TG_OP
            USING ERRCODE = 'restrict_violation';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER backoffice_auditrecord_append_only
        BEFORE UPDATE OR DELETE ON backoffice_auditrecord
        FOR EACH ROW EXECUTE FUNCTION backoffice_auditrecord_append_only()
    """,
]
POSTGRESQL_UNGUARD = [
    "DROP TRIGGER IF EXISTS backoffice_auditrecord_append_only ON backoffice_auditrecord",
    "DROP FUNCTION IF EXISTS backoffice_auditrecord_append_only()",
]
SQLITE_GUARD = [
    """
    CREATE TRIGGER backoffice_auditrecord_no_update BEFORE UPDATE ON backoffice_auditrecord
    BEGIN SELECT RAISE(ABORT, 'Audit records are append-only: UPDATE refused.'); END
    """,
    """
    CREATE TRIGGER backoffice_auditrecord_no_delete BEFORE DELETE ON backoffice_auditrecord
    BEGIN SELECT RAISE(ABORT, 'Audit records are append-only: DELETE refused.'); END
    """,
]
SQLITE_UNGUARD = [
    "DROP TRIGGER IF EXISTS backoffice_auditrecord_no_update",
    "DROP TRIGGER IF EXISTS backoffice_auditrecord_no_delete",
]


def chain_existing_records(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    records = apps.get_model("backoffice", "AuditRecord").objects.using(
        schema_editor.connection.alias
    )
    previous = audit_chain.GENESIS_HASH
    for record in records.order_by("pk").iterator():
        record.previous_hash = previous
        record.record_hash = audit_chain.content_hash(record)
        records.filter(pk=record.pk).update(
            previous_hash=record.previous_hash, record_hash=record.record_hash
        )
        previous = record.record_hash


def _statements(schema_editor: BaseDatabaseSchemaEditor, guard: bool) -> list[str]:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        return POSTGRESQL_GUARD if guard else POSTGRESQL_UNGUARD
    if vendor == "sqlite":
        return SQLITE_GUARD if guard else SQLITE_UNGUARD
    return []


def guard_table(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # No parameters: the driver must leave PL/pgSQL's own % placeholders alone.
    for statement in _statements(schema_editor, guard=True):
        schema_editor.execute(statement, params=None)


def unguard_table(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in _statements(schema_editor, guard=False):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0004_form_token_states"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditrecord",
            name="previous_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditrecord",
            name="record_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_records, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditrecord",
            name="record_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.RunPython(guard_table, unguard_table),
    ]
