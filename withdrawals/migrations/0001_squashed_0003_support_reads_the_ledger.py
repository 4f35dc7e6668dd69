"""The withdrawals app's schema as of 0003_support_reads_the_ledger, in one migration. It
replaces the migrations before it: a database that has them all applied takes it as
applied."""

import django.db.models.deletion
import django.utils.timezone
import withdrawals.models
from django.conf import settings
from django.db import migrations, models

from accounts.db.append_only import AppendOnlyTrigger


class Migration(migrations.Migration):
    replaces = [
        ("withdrawals", "0001_initial"),
        ("withdrawals", "0002_withdrawal_append_only"),
        ("withdrawals", "0003_support_reads_the_ledger"),
    ]


    initial = True

    dependencies = [
        ('accounts', '0001_squashed_0016_audit_event_type_without_choices'),
        ('devices', '0001_squashed_0008_authenticator_columns_by_kind'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Withdrawal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=18)),
                ('currency', models.CharField(default='USD', max_length=3)),
                ('destination', models.CharField(max_length=34)),
                ('tier', models.CharField(choices=[('none', 'None'), ('sms', 'SMS'), ('ib_key', 'IB Key'), ('scc', 'Security Code Card'), ('dsc', 'Digital Security Card'), ('unlimited', 'DSC+, Platinum or Gold')], max_length=20)),
                ('tier_reason', models.CharField(max_length=200)),
                ('business_day', models.DateField()),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='withdrawals', to='accounts.account')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='withdrawals', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='WithdrawalIntent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(default=withdrawals.models._new_token, editable=False, max_length=64, unique=True)),
                ('amount', models.DecimalField(decimal_places=2, max_digits=18)),
                ('destination', models.CharField(max_length=34)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField()),
                ('used_at', models.DateTimeField(blank=True, null=True)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='accounts.account')),
                ('device', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='devices.securitydevice')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='withdrawal_intents', to=settings.AUTH_USER_MODEL)),
                ('withdrawal', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='intent', to='withdrawals.withdrawal')),
            ],
        ),
        migrations.AddIndex(
            model_name='withdrawal',
            index=models.Index(fields=['account', 'business_day'], name='withdrawal_account_day'),
        ),
        migrations.AddIndex(
            model_name='withdrawal',
            index=models.Index(fields=['user', 'created_at'], name='withdrawal_user_created'),
        ),
        migrations.AddConstraint(
            model_name='withdrawal',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='withdrawal_amount_positive'),
        ),
        AppendOnlyTrigger(
            table="withdrawals_withdrawal",
            name="withdrawal_append_only",
            message="the withdrawal ledger is append-only",
        ),
    ]
