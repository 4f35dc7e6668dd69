from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_support_group"),
        ("trading", "0002_support_trading_sessions"),
        ("withdrawals", "0002_withdrawal_append_only"),
    ]

    operations = []
