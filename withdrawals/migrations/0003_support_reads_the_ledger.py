from django.db import migrations

from accounts.roles import SUPPORT_GROUP, support_group_sync


def grant_support(apps, schema_editor):
    """The Support group reads the withdrawal ledger (never changes it)."""
    support_group_sync(apps)


def revoke_support(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=SUPPORT_GROUP).first()
    if group is None:
        return
    group.permissions.remove(
        *apps.get_model("auth", "Permission").objects.filter(content_type__app_label="withdrawals")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_support_group"),
        ("trading", "0002_support_trading_sessions"),
        ("withdrawals", "0002_withdrawal_append_only"),
    ]

    operations = [migrations.RunPython(grant_support, revoke_support)]
