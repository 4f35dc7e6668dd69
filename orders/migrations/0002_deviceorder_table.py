"""The orders' table takes this app's name: devices_deviceorder becomes orders_deviceorder,
rows, keys and constraints kept (a rename, nothing copied). Nothing points at it; its own
foreign keys name the tables they point at, which stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [migrations.AlterModelTable(name="deviceorder", table=None)]
