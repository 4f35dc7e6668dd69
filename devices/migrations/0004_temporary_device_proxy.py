from django.db import migrations


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
    ]
