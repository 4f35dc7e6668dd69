from django.db import migrations

from accounts.roles import SUPPORT_GROUP, SUPPORT_PERMISSIONS, support_group_sync


def grant_support(apps, schema_editor):
    """The Support group gets the permissions this migration makes (T1)."""
    support_group_sync(apps)


def revoke_support(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=SUPPORT_GROUP).first()
    if group is None:
        return
    codenames = [codename for app, codename in SUPPORT_PERMISSIONS if app == "devices"]
    group.permissions.remove(
        *apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label="devices", codename__in=codenames
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_support_group"),
        ("devices", "0003_temporary_devices_orders"),
    ]

    operations = [
        migrations.CreateModel(
            name="TemporaryDevice",
            fields=[],
            options={
                "verbose_name": "temporary device",
                "permissions": [
                    ("issue_temporary_passcode", "Can issue a temporary passcode"),
                    ("report_device", "Can mark a security device lost or damaged"),
                    ("record_device_return", "Can record a returned security device"),
                ],
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("devices.authenticator",),
        ),
        migrations.RunPython(grant_support, revoke_support),
    ]
