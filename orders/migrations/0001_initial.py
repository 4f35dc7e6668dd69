"""DeviceOrder, taken over from the devices app (devices/migrations/0009) with its table,
devices_deviceorder, as it is: this migration changes no table. Its content type, and so
the permissions and any grants of them, move with it from "devices" to "orders".
0002 then gives the table this app's name."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _content_type_relabel(old_label, new_label):
    def relabel(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects
        content_types.using(schema_editor.connection.alias).filter(
            app_label=old_label, model="deviceorder"
        ).update(app_label=new_label)

    return relabel


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("accounts", "0001_squashed_0016_audit_event_type_without_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("devices", "0010_deviceorder_to_orders"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DeviceOrder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('placed', 'Placed'), ('shipped', 'Shipped'), ('activated', 'Activated'), ('cancelled', 'Cancelled')], default='placed', max_length=10)),
                        ('address_line', models.CharField(max_length=200)),
                        ('city', models.CharField(max_length=100)),
                        ('postal_code', models.CharField(max_length=20)),
                        ('address_country', models.CharField(max_length=2)),
                        ('hold_amount', models.DecimalField(decimal_places=2, default=20, max_digits=8)),
                        ('hold', models.CharField(choices=[('held', 'Held'), ('released', 'Released'), ('kept', 'Kept')], default='held', max_length=10)),
                        ('hold_reason', models.CharField(blank=True, max_length=200)),
                        ('placed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('shipped_at', models.DateTimeField(blank=True, null=True)),
                        ('estimated_delivery', models.DateField(blank=True, null=True)),
                        ('auto_activate_at', models.DateTimeField(blank=True, null=True)),
                        ('approaching_notice_at', models.DateTimeField(blank=True, null=True)),
                        ('imminent_notice_at', models.DateTimeField(blank=True, null=True)),
                        ('activated_at', models.DateTimeField(blank=True, null=True)),
                        ('authenticator', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='order', to='devices.authenticator')),
                        ('hold_account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.account')),
                        ('replaces', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='devices.authenticator')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='device_orders', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'devices_deviceorder',
                        'constraints': [models.UniqueConstraint(condition=models.Q(('status__in', ['placed', 'shipped'])), fields=('user',), name='one_open_order_per_user')],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            _content_type_relabel("devices", "orders"),
            _content_type_relabel("orders", "devices"),
        ),
    ]
