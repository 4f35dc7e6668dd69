"""The simulators' tables. Up to devices 0009 these models were devices'; where their
tables are still there (a database that had the simulators on, see that migration), they
are adopted with their rows by renaming them, otherwise they are created."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

# The installation first: the account refers to it.
MODELS = ("PhoneAppInstallation", "PhoneAppAccount", "SimulatedCard")


def _devices_table(name):
    return f"devices_{name.lower()}"


def adopt_or_create(apps, schema_editor):
    existing = set(schema_editor.connection.introspection.table_names())
    for name in MODELS:
        model = apps.get_model("simulators", name)
        if _devices_table(name) in existing:
            schema_editor.alter_db_table(model, _devices_table(name), model._meta.db_table)
        else:
            schema_editor.create_model(model)


def hand_back(apps, schema_editor):
    """Backwards the tables go back to their devices names, rows and all, for devices 0009
    to find them there."""
    for name in MODELS:
        model = apps.get_model("simulators", name)
        schema_editor.alter_db_table(model, model._meta.db_table, _devices_table(name))


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('devices', '0009_simulator_models_leave_devices'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PhoneAppInstallation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('installation_id', models.CharField(max_length=64, unique=True)),
                        ('platform', models.CharField(choices=[('ios', 'iOS'), ('android', 'Android')], max_length=10)),
                        ('os_version', models.CharField(max_length=10)),
                        ('rooted', models.BooleanField(default=False)),
                        ('biometrics', models.BooleanField(default=False)),
                        ('private_key', models.TextField(blank=True, help_text='PEM, encrypted.')),
                        ('pin_hash', models.CharField(blank=True, max_length=200)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                ),
                migrations.CreateModel(
                    name='SimulatedCard',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('serial', models.CharField(max_length=40, unique=True)),
                        ('printed_grid', models.TextField(blank=True, help_text='The printed codes, encrypted.')),
                        ('presses', models.BigIntegerField(default=0)),
                    ],
                ),
                migrations.CreateModel(
                    name='PhoneAppAccount',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('username', models.CharField(max_length=64)),
                        ('serial', models.CharField(max_length=40)),
                        ('ocra_suite', models.CharField(max_length=64)),
                        ('ocra_secret', models.TextField(help_text='Encrypted.')),
                        ('installation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='accounts', to='simulators.phoneappinstallation')),
                    ],
                    options={
                        'constraints': [models.UniqueConstraint(fields=('installation', 'username'), name='one_account_per_user')],
                    },
                ),
            ],
        ),
        migrations.RunPython(adopt_or_create, hand_back),
    ]
