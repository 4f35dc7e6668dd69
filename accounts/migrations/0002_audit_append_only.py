"""The database itself refuses to rewrite history: UPDATE of an audit row fails everywhere,
DELETE fails on PostgreSQL. (Test databases are emptied with TRUNCATE on PostgreSQL, which
these row triggers leave alone; on SQLite they are emptied with DELETE, so SQLite keeps
only the UPDATE guard.)"""

from django.db import migrations

TABLE = "accounts_auditevent"

POSTGRES_FORWARD = f"""
CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""
POSTGRES_REVERSE = f"""
DROP TRIGGER IF EXISTS audit_event_no_update ON {TABLE};
DROP FUNCTION IF EXISTS audit_event_append_only();
"""
SQLITE_FORWARD = f"""
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {TABLE}
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS audit_event_no_update;"


def forward(apps, schema_editor):
    _run(schema_editor, POSTGRES_FORWARD, SQLITE_FORWARD)


def reverse(apps, schema_editor):
    _run(schema_editor, POSTGRES_REVERSE, SQLITE_REVERSE)


def _run(schema_editor, postgres_sql, sqlite_sql):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgres_sql)
    elif vendor == "sqlite":
        schema_editor.execute(sqlite_sql)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse)]
