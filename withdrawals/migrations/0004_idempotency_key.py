"""Idempotency keys: a column of the ledger, unique per user where present (rows made
before keys have none), and the key each withdrawal intent carries from the form. Intents
still open when this runs each get a key of their own."""

import secrets
from django.conf import settings
from django.db import migrations, models


def intents_keyed(apps, schema_editor):
    WithdrawalIntent = apps.get_model("withdrawals", "WithdrawalIntent")
    for intent in WithdrawalIntent.objects.filter(idempotency_key__isnull=True).only("pk"):
        intent.idempotency_key = secrets.token_urlsafe(24)  # as withdrawals.idempotency does today
        intent.save(update_fields=["idempotency_key"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_squashed_0016_audit_event_type_without_choices'),
        ('withdrawals', '0001_squashed_0003_support_reads_the_ledger'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='withdrawal',
            name='idempotency_key',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddConstraint(
            model_name='withdrawal',
            constraint=models.UniqueConstraint(condition=models.Q(('idempotency_key__isnull', False)), fields=('user', 'idempotency_key'), name='withdrawal_user_idempotency_key'),
        ),
        migrations.AddField(
            model_name='withdrawalintent',
            name='idempotency_key',
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(intents_keyed, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='withdrawalintent',
            name='idempotency_key',
            field=models.CharField(max_length=64),
        ),
    ]
