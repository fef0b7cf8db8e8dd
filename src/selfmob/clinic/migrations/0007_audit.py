"""The audit trail (clinic.models.AuditEntry), and a guard in the database itself: triggers
refuse to change or delete an entry, whatever program asks, except blanking its address (the
purge of `selfmob audit --purge-addresses`). Only the database's owner can take them away.

On SQLite, a later migration that rebuilds this table (most ALTERs do) drops its triggers:
it must create them again (tests/clinic/test_audit.py fails until it does). PostgreSQL's
TRUNCATE, which no row trigger sees, is left to the owner too."""

import django.utils.timezone
import uuid
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

REFUSED = "audit entries are append-only: only an address may be blanked"

SQLITE_COLUMNS = ("id", "at", "hour", "user_id", "client_id", "kind", "interface", "what",
                  "record_id")
SQLITE_UP = [
    "CREATE TRIGGER clinic_auditentry_no_update BEFORE UPDATE ON clinic_auditentry "
    "WHEN NEW.address IS NOT NULL OR "
    + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in SQLITE_COLUMNS)
    + f" BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END",
    "CREATE TRIGGER clinic_auditentry_no_delete BEFORE DELETE ON clinic_auditentry "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS clinic_auditentry_no_update",
    "DROP TRIGGER IF EXISTS clinic_auditentry_no_delete",
]
# Every column but the address compared at once (to_jsonb), so a column added later is
# guarded too. SQLSTATE 23000 makes it an IntegrityError, as SQLite's RAISE(ABORT) is.
POSTGRESQL_UP = [
    f"""CREATE FUNCTION clinic_auditentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.address IS NULL
            AND to_jsonb(NEW) - 'address' = to_jsonb(OLD) - 'address' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{REFUSED}' USING ERRCODE = '23000';
END
$$""",
    "CREATE TRIGGER clinic_auditentry_append_only BEFORE UPDATE OR DELETE ON clinic_auditentry "
    "FOR EACH ROW EXECUTE FUNCTION clinic_auditentry_append_only()",
]
POSTGRESQL_DOWN = [
    "DROP TRIGGER IF EXISTS clinic_auditentry_append_only ON clinic_auditentry",
    "DROP FUNCTION IF EXISTS clinic_auditentry_append_only()",
]
GUARDS = {"sqlite": (SQLITE_UP, SQLITE_DOWN), "postgresql": (POSTGRESQL_UP, POSTGRESQL_DOWN)}


def _run(schema_editor: BaseDatabaseSchemaEditor, index: int) -> None:
    statements = GUARDS.get(schema_editor.connection.vendor, ((), ()))[index]
    for statement in statements:
        schema_editor.execute(statement, params=None)


def guard(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, 0)


def unguard(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, 1)


class Migration(migrations.Migration):

    dependencies = [
        ('clinic', '0006_rate_count'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('hour', models.DateTimeField(blank=True, null=True)),
                ('user_id', models.UUIDField(blank=True, db_index=True, null=True)),
                ('client_id', models.UUIDField()),
                ('kind', models.CharField(choices=[('read', 'read'), ('export', 'exported'), ('change', 'changed'), ('invite', 'invited'), ('clear', 'cleared'), ('delete', 'deleted')], max_length=8)),
                ('interface', models.CharField(choices=[('page', 'web page'), ('api', 'API'), ('cli', 'command line'), ('feed', 'calendar feed')], max_length=4)),
                ('what', models.CharField(choices=[('client-list', 'client list'), ('client', 'client record'), ('today', "today's plan"), ('progress', 'progress'), ('screening', 'red-flag screen'), ('clearance', 'clearance'), ('assessment', 'assessment'), ('plan', 'plan'), ('plan-item', 'plan item'), ('session', 'session'), ('calendar', 'calendar feed'), ('invite', 'invite link'), ('json', 'JSON document'), ('csv', 'CSV table'), ('fhir', 'FHIR bundle'), ('ics', 'calendar file'), ('pdf-plan', 'plan handout (PDF)'), ('pdf-progress', 'progress report (PDF)'), ('import', 'practice import')], max_length=16)),
                ('record_id', models.UUIDField(blank=True, null=True)),
                ('address', models.GenericIPAddressField(blank=True, null=True)),
            ],
            options={
                'ordering': ['-at', 'id'],
                'indexes': [models.Index(fields=['client_id', 'at'], name='audit_client_at'), models.Index(fields=['at'], name='audit_at')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('hour__isnull', False)), fields=('user_id', 'client_id', 'kind', 'interface', 'hour'), name='audit_one_read_per_hour'), models.CheckConstraint(condition=models.Q(models.Q(('hour__isnull', False), ('kind', 'read')), models.Q(models.Q(('kind', 'read'), _negated=True), ('hour', None)), _connector='OR'), name='audit_hour_only_for_reads')],
            },
        ),
        migrations.RunPython(guard, unguard),
    ]
