"""The database itself refuses to rewrite the ledger, as for the audit trail (accounts
0002): UPDATE of a withdrawal fails everywhere, DELETE fails on PostgreSQL. (Test databases
are emptied with TRUNCATE on PostgreSQL, which these row triggers leave alone; on SQLite
they are emptied with DELETE, so SQLite keeps only the UPDATE guard.)"""

from django.db import migrations

TABLE = "withdrawals_withdrawal"

POSTGRES_FORWARD = f"""
CREATE FUNCTION withdrawal_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the withdrawal ledger is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER withdrawal_no_update BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION withdrawal_append_only();
"""
POSTGRES_REVERSE = f"""
DROP TRIGGER IF EXISTS withdrawal_no_update ON {TABLE};
DROP FUNCTION IF EXISTS withdrawal_append_only();
"""
SQLITE_FORWARD = f"""
CREATE TRIGGER withdrawal_no_update BEFORE UPDATE ON {TABLE}
BEGIN
    SELECT RAISE(ABORT, 'the withdrawal ledger is append-only');
END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS withdrawal_no_update;"


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
    dependencies = [("withdrawals", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse)]
