"""The simulators' models moved from devices (devices 0009, simulators 0001): a database
that had the simulators on keeps its printed cards and activated phones both ways. A
production database, without the app, ends with none of their tables
(tests/test_settings.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from simulators.models import PhoneAppAccount, PhoneAppInstallation, SimulatedCard

BEFORE_THE_MOVE = [("devices", "0001_squashed_0008_authenticator_columns_by_kind")]
TABLES = ("simulatedcard", "phoneappinstallation", "phoneappaccount")


def _tables(prefix: str) -> set[str]:
    names = set(connection.introspection.table_names())
    return {f"{prefix}_{table}" for table in TABLES} & names


def _migrate(targets: list[tuple[str, str]] | None = None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_the_simulators_rows_follow_their_tables_back_and_forth():
    installation = PhoneAppInstallation.objects.create(
        installation_id="phone-1", platform="ios", os_version="17.4"
    )
    PhoneAppAccount.objects.create(
        installation=installation, username="grace", serial="IBK-1", ocra_suite="s", ocra_secret="x"
    )
    SimulatedCard.objects.create(serial="SCC-1", printed_grid="grid", presses=3)

    executor = _migrate(BEFORE_THE_MOVE)

    assert _tables("devices") == {f"devices_{table}" for table in TABLES}
    assert not _tables("simulators")
    old = executor.loader.project_state(BEFORE_THE_MOVE).apps
    assert old.get_model("devices", "PhoneAppAccount").objects.get().installation_id == (
        installation.pk
    )
    assert old.get_model("devices", "SimulatedCard").objects.get(serial="SCC-1").presses == 3

    _migrate()

    assert not _tables("devices")
    account = PhoneAppAccount.objects.select_related("installation").get()
    assert (account.username, account.installation.installation_id) == ("grace", "phone-1")
    assert SimulatedCard.objects.get(serial="SCC-1").printed_grid == "grid"
