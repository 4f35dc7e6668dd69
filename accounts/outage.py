"""The database cannot answer: it is down, restarting or failing over, or refuses new
connections. Django raises OperationalError (or InterfaceError, for a connection already
closed) wherever the request then touches it, in a view or in a middleware.

Every action's writes are one transaction (each service runs in `transaction.atomic`),
and by the time the error reaches an answer it has left that block, which rolled back or
lost its connection, so PostgreSQL discarded the whole of it. The answer can therefore
say that nothing was changed, and when to try again. Staying up costs nothing: each
worker's next request opens a new connection (CONN_HEALTH_CHECKS), no restart needed."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

# What Django raises when the database cannot answer.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# What a client is told to wait (Retry-After) before trying again: about as long as a
# PostgreSQL restart or a failover takes.
DATABASE_RETRY_AFTER = 30


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether `exc` says that the database could not be reached or lost the connection.
    OperationalError also covers a deadlock or a serialization failure; those too rolled
    the transaction back and are worth a retry, so they get the same answer."""
    return isinstance(exc, DATABASE_UNAVAILABLE)
