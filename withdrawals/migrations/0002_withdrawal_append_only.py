"""The database itself refuses to rewrite the ledger, as for the audit trail: UPDATE of a
withdrawal fails everywhere, DELETE fails on PostgreSQL."""

from django.db import migrations

from accounts.db.append_only import AppendOnlyTrigger


class Migration(migrations.Migration):
    dependencies = [("withdrawals", "0001_initial")]

    operations = [
        AppendOnlyTrigger(
            table="withdrawals_withdrawal",
            name="withdrawal_append_only",
            message="the withdrawal ledger is append-only",
        )
    ]
