"""Put a vendor's box of DSC+ cards in stock from its seed file, for operators with a shell."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.client_info import SYSTEM
from devices.importers import devices_import


class Command(BaseCommand):
    help = (
        "Import the DSC+ cards of a seed file (PSKC or CSV 'serial,secret[,suite]'): all or none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, file: Path, **options: object) -> None:
        try:
            cards = devices_import(path_or_file=file, filename=file.name, actor=None, client=SYSTEM)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        except ValidationError as exc:
            raise CommandError(
                f"{file.name}: {' '.join(exc.messages)} Nothing was imported."
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {len(cards)} cards from {file.name}."))
