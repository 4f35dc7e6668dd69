"""Create the PostgreSQL database named by DATABASE_URL when it does not exist yet, so
`make serve` and `make bench` start on a fresh machine. `python -m sls_portal.database`."""

from __future__ import annotations

import psycopg
from django.db import OperationalError, connection
from psycopg import sql


def database_ensure() -> None:
    if connection.vendor != "postgresql":
        return
    try:
        connection.ensure_connection()
    except OperationalError:
        params = connection.settings_dict
        with psycopg.connect(
            host=params["HOST"] or None,
            port=params["PORT"] or None,
            user=params["USER"] or None,
            password=params["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(params["NAME"])))


if __name__ == "__main__":
    import django

    django.setup()
    database_ensure()
