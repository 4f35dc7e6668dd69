"""Vendor seed files of DSC+ cards into stock: PSKC (RFC 6030) or a plain CSV.

A vendor ships the seeds of a box of cards as one file, and the box is taken whole or not
at all: a half-imported file leaves support unable to tell which cards of a box work, and
importing it again would then collide with its own first half.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pskc
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from pskc.exceptions import DecryptionError, PSKCError

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from accounts.validators import has_control_character
from devices.kinds import Kind
from devices.models import Authenticator
from devices.services.inventory import authenticator_build

if TYPE_CHECKING:
    from pskc.key import Key

# A box of cards is a few thousand keys, well under a megabyte of PSKC; the limits keep a
# wrong or hostile upload from holding a worker and the database for minutes.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_CARDS = 10_000
KIND = Kind.DSC_PLUS
CSV_HEADERS = (["serial", "secret"], ["serial", "secret", "suite"])
FILENAME_MAX_LENGTH = 255


@dataclass(frozen=True)
class SeedRecord:
    """One card as the file describes it, and where in the file, for error messages."""

    where: str
    serial: str
    secret: bytes
    suite: str


def devices_import(
    *,
    path_or_file: str | Path | IO[bytes],
    filename: str,
    actor: User | None,
    client: ClientInfo,
) -> list[Authenticator]:
    """Put every card of a seed file in stock, or none of them.

    Every card is checked and its secret encrypted (D4) before the first row is written,
    and the rows and their audit event are written in one transaction, so an error names
    the line or key at fault and leaves the inventory as it was.
    """
    data = _read_limited(path_or_file)
    records = _pskc_records(data) if _looks_like_xml(data) else _csv_records(data)
    if not records:
        raise ValidationError(f"{filename} holds no cards.")
    if len(records) > MAX_CARDS:
        raise ValidationError(f"{filename} holds {len(records)} cards; the limit is {MAX_CARDS}.")
    _refuse_duplicates(records)
    _refuse_known_serials(records)
    cards = [_build(record) for record in records]
    try:
        with transaction.atomic():
            created = Authenticator.objects.bulk_create(cards)
            audit_record(
                event_type=AuditEventType.DEVICES_IMPORTED,
                outcome=AuditOutcome.SUCCESS,
                actor=actor,
                client=client,
                detail={"count": len(created), "file": filename[:FILENAME_MAX_LENGTH]},
            )
    except IntegrityError as exc:
        raise ValidationError(
            "Another import added some of these serials meanwhile; nothing was imported."
        ) from exc
    return created


def _read_limited(path_or_file: str | Path | IO[bytes]) -> bytes:
    if isinstance(path_or_file, str | Path):
        with open(path_or_file, "rb") as handle:
            return _read_limited(handle)
    data = path_or_file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(f"Seed files are limited to {MAX_FILE_BYTES // 2**20} MB.")
    return data


def _looks_like_xml(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _csv_records(data: bytes) -> list[SeedRecord]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError("The file is neither PSKC nor UTF-8 CSV text.") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        if header not in CSV_HEADERS:
            raise ValidationError(
                "Line 1: the header must be 'serial,secret', optionally followed by ',suite'."
            )
        return [
            _csv_record(f"Line {reader.line_num}", row, columns=len(header))
            for row in reader
            if any(cell.strip() for cell in row)
        ]
    except csv.Error as exc:
        raise ValidationError(f"Line {reader.line_num}: {exc}.") from exc


def _csv_record(where: str, row: list[str], *, columns: int) -> SeedRecord:
    if len(row) > columns:
        raise ValidationError(f"{where}: {len(row)} columns where the header names {columns}.")
    serial, secret_hex, suite = (cell.strip() for cell in [*row, "", ""][:3])
    if not serial:
        raise ValidationError(f"{where}: the serial is missing.")
    if not secret_hex:
        raise ValidationError(f"{where}: the secret is empty.")
    try:
        secret = bytes.fromhex(secret_hex)
    except ValueError as exc:
        raise ValidationError(f"{where}: the secret is not hexadecimal.") from exc
    return _seed_record(where=where, serial=serial, secret=secret, suite=suite)


def _pskc_records(data: bytes) -> list[SeedRecord]:
    # RFC 6030 containers need no DTD; refusing one spares the parser entity expansion.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ValidationError("PSKC files with a DOCTYPE or entity declarations are refused.")
    try:
        container = pskc.PSKC(io.BytesIO(data))
    except (PSKCError, ValueError) as exc:
        raise ValidationError(f"Unreadable PSKC file: {exc}.") from exc
    return [
        _pskc_record(number, key)
        for number, device in enumerate(container.devices, start=1)
        for key in device.keys
    ]


def _pskc_record(number: int, key: Key) -> SeedRecord:
    serial = (key.serial or "").strip()
    where = f"KeyPackage {number}" + (f" (card {serial})" if serial else "")
    if not serial:
        raise ValidationError(f"{where}: no serial number (DeviceInfo/SerialNo).")
    if key.algorithm and not _is_ocra(key.algorithm):
        raise ValidationError(
            f"{where}: algorithm {key.algorithm} is not OCRA; DSC+ cards answer OCRA challenges."
        )
    try:
        secret = key.secret
    except DecryptionError as exc:
        raise ValidationError(
            f"{where}: the secret is encrypted under a key this portal does not hold ({exc})."
        ) from exc
    if not secret:
        raise ValidationError(f"{where}: the secret (Data/Secret) is missing or empty.")
    return _seed_record(where=where, serial=serial, secret=secret, suite=key.algorithm_suite or "")


def _seed_record(*, where: str, serial: str, secret: bytes, suite: str) -> SeedRecord:
    """A card of either format. A serial or suite with control characters is refused with
    the line that holds it, like any other bad cell, before anything is written: a NUL
    would otherwise fail PostgreSQL's write. (XML cannot carry these characters at all, so
    it is CSV rows that meet this check.)"""
    for name, text in (("serial", serial), ("suite", suite)):
        if has_control_character(text):
            raise ValidationError(f"{where}: the {name} holds control characters.")
    return SeedRecord(where=where, serial=serial, secret=secret, suite=suite)


def _is_ocra(algorithm: str) -> bool:
    """Vendors spell the OCRA profile's URI differently (`…pskc#OCRA-1`, `…:ocra`), so
    match on its last segment."""
    name = algorithm.rsplit("#", 1)[-1].rsplit(":", 1)[-1]
    return name.lower().startswith("ocra")


def _refuse_duplicates(records: list[SeedRecord]) -> None:
    first_seen: dict[str, SeedRecord] = {}
    for record in records:
        earlier = first_seen.setdefault(record.serial, record)
        if earlier is not record:
            raise ValidationError(
                f"{record.where}: serial {record.serial} is in the file twice "
                f"(also {earlier.where})."
            )


def _refuse_known_serials(records: list[SeedRecord]) -> None:
    known = set(
        Authenticator.objects.filter(serial__in=[record.serial for record in records]).values_list(
            "serial", flat=True
        )
    )
    for record in records:
        if record.serial in known:
            raise ValidationError(
                f"{record.where}: card {record.serial} is already in the inventory."
            )


def _build(record: SeedRecord) -> Authenticator:
    try:
        return authenticator_build(
            kind=KIND, serial=record.serial, secret=record.secret, ocra_suite=record.suite
        )
    except ValidationError as exc:
        raise ValidationError(f"{record.where}: {' '.join(exc.messages)}") from exc
