from django.db import migrations

from accounts.roles import SUPPORT_GROUP, support_group_sync


def grant_support(apps, schema_editor):
    """The Support group sees trading-platform sessions and can end them."""
    support_group_sync(apps)


def revoke_support(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=SUPPORT_GROUP).first()
    if group is None:
        return
    group.permissions.remove(
        *apps.get_model("auth", "Permission").objects.filter(content_type__app_label="trading")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_support_group"),
        ("devices", "0004_temporary_device_proxy"),
        ("trading", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant_support, revoke_support)]
