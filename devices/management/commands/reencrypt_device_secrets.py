"""Key rotation for device secrets (D4): after a new key is put first in DEVICE_SECRET_KEYS,
this moves every stored secret under it, so the old key can then be removed."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from devices.crypto import SecretUnreadable
from devices.services.secrets import BATCH_SIZE, device_secrets_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt every device secret and card PIN (and the simulated cards' grids and "
        "security keys where the simulators are installed) under the first key of "
        "DEVICE_SECRET_KEYS, in one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args: object, batch_size: int, **options: object) -> None:
        if not settings.DEVICE_SECRET_KEYS:
            raise CommandError("DEVICE_SECRET_KEYS is empty.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            counts = device_secrets_reencrypt(batch_size=batch_size)
        except SecretUnreadable as exc:
            raise CommandError(f"{exc} Nothing was re-encrypted.") from exc
        total = counts.pop("count")
        tables = " and ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Re-encrypted the secrets of {tables} ({total} rows).")
        )
