"""The database itself refuses to rewrite history: UPDATE of an audit row fails everywhere,
DELETE fails on PostgreSQL."""

from django.db import migrations

from accounts.db.append_only import AppendOnlyTrigger


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        AppendOnlyTrigger(
            table="accounts_auditevent",
            name="audit_event_append_only",
            message="audit events are append-only",
        )
    ]
