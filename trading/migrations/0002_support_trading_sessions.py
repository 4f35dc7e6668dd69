from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_support_group"),
        ("devices", "0004_temporary_device_proxy"),
        ("trading", "0001_initial"),
    ]

    operations = []
