"""The database's own guard of an append-only table (the audit trail, the withdrawal
ledger), as a migration operation: a row trigger refuses UPDATE everywhere and DELETE on
PostgreSQL.

Test databases are emptied with TRUNCATE on PostgreSQL, which row triggers leave alone; on
SQLite they are emptied with DELETE, so SQLite keeps only the UPDATE guard. The ORM's
guard is `accounts.models.append_only.AppendOnlyModel`; this one also holds against raw
SQL and a shell on the database. Kept apart from live code so that migrations import
only this small, stable operation.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState


class AppendOnlyTrigger(Operation):
    """Install (and, reversed, drop) the append-only trigger `name` on `table`; a refused
    write fails with `message`."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, *, table: str, name: str, message: str) -> None:
        self.table = table
        self.name = name
        self.message = message

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (
            self.__class__.__qualname__,
            [],
            {"table": self.table, "name": self.name, "message": self.message},
        )

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        """Triggers are not part of the model state."""

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE FUNCTION {self.name}() RETURNS trigger AS $$ "
                f"BEGIN RAISE EXCEPTION '{self.message}'; END; $$ LANGUAGE plpgsql;"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {self.name} BEFORE UPDATE OR DELETE ON {self.table} "
                f"FOR EACH ROW EXECUTE FUNCTION {self.name}();"
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {self.name} BEFORE UPDATE ON {self.table} "
                f"BEGIN SELECT RAISE(ABORT, '{self.message}'); END;"
            )

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.name} ON {self.table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {self.name}() CASCADE;")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.name};")

    def describe(self) -> str:
        return f"Refuse UPDATE and DELETE on {self.table} in the database ({self.name})"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.table}_append_only"
