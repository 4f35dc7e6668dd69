"""DeviceOrder moves to the orders app (issue 14). Only Django's picture of the models
changes here: the table and its rows stay, and orders/migrations/0001 takes the model over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("devices", "0009_simulator_models_leave_devices")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DeviceOrder")],
        ),
    ]
