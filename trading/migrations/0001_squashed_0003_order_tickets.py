"""The trading app's schema as of 0003_order_tickets, in one migration. It replaces the
migrations before it: a database that has them all applied takes it as applied."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [
        ("trading", "0001_initial"),
        ("trading", "0002_support_trading_sessions"),
        ("trading", "0003_order_tickets"),
    ]


    initial = True

    dependencies = [
        ('accounts', '0001_squashed_0016_audit_event_type_without_choices'),
        ('devices', '0001_squashed_0008_authenticator_columns_by_kind'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='TradingSession',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token_digest', models.CharField(editable=False, max_length=64, unique=True)),
                ('approval_method', models.CharField(choices=[('pin', 'IB Key push approved with the PIN'), ('biometric', 'IB Key push approved with biometrics'), ('response', 'Device response typed'), ('password', 'Password alone (opted out of SLS, L6)')], max_length=10)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('authenticated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField()),
                ('ended_at', models.DateTimeField(blank=True, null=True)),
                ('end_reason', models.CharField(blank=True, max_length=40)),
                ('device', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='trading_sessions', to='devices.securitydevice')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='trading_sessions', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'permissions': [('end_tradingsession', 'Can end a trading platform session')],
            },
        ),
        migrations.CreateModel(
            name='PendingTradingLogin',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('digest', models.CharField(editable=False, max_length=64, unique=True)),
                ('attempt', models.CharField(editable=False, max_length=64)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField(db_index=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('session', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reauthentication', to='trading.tradingsession')),
            ],
        ),
        migrations.CreateModel(
            name='OrderTicket',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('symbol', models.CharField(max_length=13)),
                ('market', models.CharField(choices=[('listed_stocks', 'Listed stocks'), ('options', 'Options'), ('futures', 'Futures'), ('forex', 'Forex'), ('pink_sheet', 'Pink Sheet'), ('otcbb', 'OTCBB')], max_length=20)),
                ('side', models.CharField(choices=[('buy', 'Buy'), ('sell', 'Sell')], max_length=4)),
                ('quantity', models.PositiveIntegerField()),
                ('limit_price', models.DecimalField(blank=True, decimal_places=4, max_digits=11, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='order_tickets', to='accounts.account')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='order_tickets', to=settings.AUTH_USER_MODEL)),
                ('session', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='trading.tradingsession')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.AddIndex(
            model_name='tradingsession',
            index=models.Index(fields=['user', 'ended_at'], name='tradingsession_user_open'),
        ),
        migrations.AddIndex(
            model_name='orderticket',
            index=models.Index(fields=['account', 'created_at'], name='orderticket_account'),
        ),
        migrations.AddConstraint(
            model_name='orderticket',
            constraint=models.CheckConstraint(condition=models.Q(('quantity__gt', 0)), name='orderticket_quantity_positive'),
        ),
    ]
