"""The simulators' three models (a card's printed grid and press counter, the simulated
phone's IB Key app and its accounts) leave devices for the `simulators` app, which is
installed only when SLS_SIMULATORS is on.

Where that app is installed, its first migration runs right after this one and adopts the
three tables with their rows (it renames them): they are left in place here, so a
development database keeps its printed cards and activated phones. Where it is not
(production), nothing will ever adopt them: they are dropped, and the database ends with
no table of the simulators. Should the simulators be installed there later, their first
migration creates the tables empty."""

from django.apps import apps as installed_apps
from django.db import migrations

# The account first: it refers to the installation.
SIMULATOR_MODELS = ("PhoneAppAccount", "PhoneAppInstallation", "SimulatedCard")


def drop_unless_adopted(apps, schema_editor):
    if installed_apps.is_installed("simulators"):
        return
    for name in SIMULATOR_MODELS:
        schema_editor.delete_model(apps.get_model("devices", name))


def tables_back(apps, schema_editor):
    """Backwards the tables are devices' again: those the simulators' migration handed back
    (renamed) as they are, those dropped here anew and empty."""
    existing = set(schema_editor.connection.introspection.table_names())
    for name in reversed(SIMULATOR_MODELS):
        model = apps.get_model("devices", name)
        if model._meta.db_table not in existing:
            schema_editor.create_model(model)


class Migration(migrations.Migration):

    dependencies = [
        ('devices', '0001_squashed_0008_authenticator_columns_by_kind'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='PhoneAppAccount'),
                migrations.DeleteModel(name='PhoneAppInstallation'),
                migrations.DeleteModel(name='SimulatedCard'),
            ],
            database_operations=[migrations.RunPython(drop_unless_adopted, tables_back)],
        ),
    ]
