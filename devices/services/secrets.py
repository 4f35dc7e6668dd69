"""Key rotation for device secrets (D4): every stored secret moved under the first key."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass

from django.db import models, transaction

from accounts.client_info import SYSTEM
from accounts.models import AuditEventType, AuditOutcome
from accounts.services.audit import audit_record
from devices.crypto import SecretUnreadable, secret_reencrypt
from devices.models import Authenticator

BATCH_SIZE = 500


@dataclass(frozen=True)
class EncryptedColumns:
    """Columns of another app's model encrypted under DEVICE_SECRET_KEYS, which a rotation
    must move too. The model has a `serial` column, which names a row no key opens."""

    model: type[models.Model]
    fields: tuple[str, ...]


# Filled by the apps above devices from their ready(), keyed by the name their count has in
# the audit event: devices cannot import them, yet the old key may only go once every
# secret under it has moved.
ENCRYPTED_ELSEWHERE: dict[str, EncryptedColumns] = {}


def encrypted_columns_register(
    name: str, *, model: type[models.Model], fields: tuple[str, ...]
) -> None:
    """Have `reencrypt_device_secrets` move `fields` of `model` too, counted as `name`."""
    ENCRYPTED_ELSEWHERE[name] = EncryptedColumns(model=model, fields=fields)


@transaction.atomic
def device_secrets_reencrypt(*, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """All rows or none, so that a success means the old key can go, and a failure leaves
    no doubt about which rows moved.

    Rows are locked as they are read, so a PIN set or a card printed meanwhile waits
    rather than being overwritten with its earlier value.
    """
    counts = {
        "authenticators": _reencrypt_rows(
            Authenticator.objects.order_by("pk"),
            fields=("secret", "pin"),
            batch_size=batch_size,
        )
    }
    for name, columns in ENCRYPTED_ELSEWHERE.items():
        counts[name] = _reencrypt_rows(
            columns.model._default_manager.order_by("pk"),
            fields=columns.fields,
            batch_size=batch_size,
        )
    counts = {"count": sum(counts.values()), **counts}
    audit_record(
        event_type=AuditEventType.DEVICE_SECRETS_REENCRYPTED,
        outcome=AuditOutcome.SUCCESS,
        client=SYSTEM,
        detail=counts,
    )
    return counts


def _reencrypt_rows(queryset: models.QuerySet, *, fields: tuple[str, ...], batch_size: int) -> int:
    """Rows in batches: one read of the table and one UPDATE per batch, not one per row."""
    rows = (
        queryset.select_for_update().only("pk", "serial", *fields).iterator(chunk_size=batch_size)
    )
    count = 0
    batch: list[models.Model] = []
    # Closed before the transaction ends, even on error: on PostgreSQL the rows come through
    # a server-side cursor, which a rollback drops and a late close then trips over.
    with closing(rows):
        for row in rows:
            if _reencrypt_row(row, fields):
                batch.append(row)
            if len(batch) == batch_size:
                count += _save(queryset.model, batch, fields)
                batch = []
    return count + _save(queryset.model, batch, fields)


def _reencrypt_row(row: models.Model, fields: tuple[str, ...]) -> bool:
    changed = False
    for field in fields:
        if value := getattr(row, field):
            try:
                setattr(row, field, secret_reencrypt(value))
            except SecretUnreadable as exc:
                raise SecretUnreadable(
                    f"No configured key opens the {field} of {row._meta.model_name} {row.serial}."
                ) from exc
            changed = True
    return changed


def _save(model: type[models.Model], batch: list[models.Model], fields: tuple[str, ...]) -> int:
    if batch:
        model.objects.bulk_update(batch, fields)
    return len(batch)
