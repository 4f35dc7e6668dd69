"""DeviceOrder moved from devices to orders (issue 14) with its rows: the migrations rename
the table and relabel its content type, both ways, and the foreign keys still hold."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from orders.models import DeviceOrder
from tests.orders.helpers import place, rich_client_user, stock_card

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = [("devices", "0009_simulator_models_leave_devices")]


def _migrate(targets: list[tuple[str, str]] | None = None) -> None:
    """Migrate the test database to `targets`, or to the latest migrations."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def test_orders_keep_their_rows_content_type_and_grants_through_the_move():
    stock_card()
    order = place(rich_client_user())
    try:
        _migrate(BEFORE_THE_MOVE)
        assert "devices_deviceorder" in _tables() and "orders_deviceorder" not in _tables()
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, authenticator_id FROM devices_deviceorder")
            assert cursor.fetchall() == [(order.pk, order.authenticator_id)]
        view = Permission.objects.get(
            content_type__app_label="devices", codename="view_deviceorder"
        )
        Group.objects.create(name="Order readers").permissions.add(view)
    finally:
        _migrate()

    assert "orders_deviceorder" in _tables() and "devices_deviceorder" not in _tables()
    moved = DeviceOrder.objects.select_related("authenticator", "user").get()
    assert (moved.pk, moved.authenticator, moved.user) == (
        order.pk,
        order.authenticator,
        order.user,
    )
    assert moved.authenticator.order == moved
    assert not ContentType.objects.filter(app_label="devices", model="deviceorder").exists()
    grant = Group.objects.get(name="Order readers").permissions.get()
    assert (grant.pk, grant.content_type.app_label) == (view.pk, "orders")
    with pytest.raises(IntegrityError), transaction.atomic():
        DeviceOrder.objects.filter(pk=order.pk).update(
            authenticator_id=order.authenticator_id + 10**6
        )
