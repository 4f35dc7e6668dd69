"""Seed-file import: RFC 6030 PSKC and CSV into stock, whole files or nothing (D1, D4)."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import oath
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType
from devices import conf, importers
from devices.crypto import secret_decrypt
from devices.importers import devices_import
from devices.models import Authenticator
from devices.ocra import ocra_response
from devices.services.inventory import authenticator_assign

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
PLAIN_PSKC = DATA / "dsc_plus_plain.pskcxml"
RFC6287_KEY32 = b"12345678901234567890123456789012"
RFC6287_KEY20 = b"12345678901234567890"
GOOD_HEX = RFC6287_KEY20.hex()
HOTP_URI = "urn:ietf:params:xml:ns:keyprov:pskc:hotp"
RFC6287_KEY20_B64 = base64.b64encode(RFC6287_KEY20).decode()


def import_text(text: str, filename: str = "seed.csv") -> list[Authenticator]:
    return devices_import(
        path_or_file=io.BytesIO(text.encode()), filename=filename, actor=None, client=SYSTEM
    )


def pskc_document(*packages: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<pskc:KeyContainer xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" Version="1.0">'
        + "".join(packages)
        + "</pskc:KeyContainer>"
    )


def key_package(
    serial: str = "P-1",
    secret: str = RFC6287_KEY20_B64,
    algorithm: str = "urn:ietf:params:xml:ns:keyprov:pskc#OCRA-1",
    suite: str = "",
) -> str:
    device = f"<pskc:DeviceInfo><pskc:SerialNo>{serial}</pskc:SerialNo></pskc:DeviceInfo>"
    parameters = (
        f"<pskc:AlgorithmParameters><pskc:Suite>{suite}</pskc:Suite></pskc:AlgorithmParameters>"
        if suite
        else ""
    )
    return (
        f"<pskc:KeyPackage>{device if serial else ''}"
        f'<pskc:Key Id="K-{serial}" Algorithm="{algorithm}">{parameters}'
        f"<pskc:Data><pskc:Secret><pskc:PlainValue>{secret}</pskc:PlainValue></pskc:Secret>"
        "</pskc:Data></pskc:Key></pskc:KeyPackage>"
    )


def test_D1_pskc_card_answers_like_an_independent_rfc6287_computation(user):
    """The RFC 6030 file's OCRA suite is kept, and the imported card's response equals
    oath's suite function on the raw key, which passes RFC 6287's vectors."""
    cards = devices_import(
        path_or_file=PLAIN_PSKC, filename="batch.pskcxml", actor=None, client=SYSTEM
    )

    card = next(card for card in cards if card.serial == "DSCP-0001")
    suite = "OCRA-1:HOTP-SHA256-8:QN08-PSHA1"
    assert card.ocra_suite == suite
    authenticator_assign(authenticator=card, user=user, pin="1234", actor=None, client=SYSTEM)
    card.refresh_from_db()
    for challenge in ("00000000", "11111111", "31415926"):
        portal = ocra_response(
            suite=card.ocra_suite,
            key=secret_decrypt(card.secret),
            challenge=challenge,
            pin=secret_decrypt(card.pin).decode(),
        )
        assert portal == oath.str2ocrasuite(suite)(RFC6287_KEY32, Q=challenge, P="1234")
    assert portal != ocra_response(suite=suite, key=RFC6287_KEY32, challenge="31415926", pin="4321")
    # RFC 6287, Appendix C: OCRA-1:HOTP-SHA256-8:QN08-PSHA1, Q=00000000, PIN 1234.
    assert oath.str2ocrasuite(suite)(RFC6287_KEY32, Q="00000000", P="1234") == "83238735"


def test_D1_pskc_key_without_suite_gets_the_dsc_plus_default():
    devices_import(path_or_file=PLAIN_PSKC, filename="batch.pskcxml", actor=None, client=SYSTEM)

    card = Authenticator.objects.get(serial="DSCP-0002")
    assert card.kind == "dsc_plus"
    assert card.state == Authenticator.State.IN_STOCK
    assert card.ocra_suite == conf.DSC_PLUS_DEFAULT_SUITE
    assert secret_decrypt(card.secret) == RFC6287_KEY20


def test_D4_imported_seeds_are_stored_encrypted():
    devices_import(path_or_file=PLAIN_PSKC, filename="batch.pskcxml", actor=None, client=SYSTEM)

    for card in Authenticator.objects.all():
        assert RFC6287_KEY20.hex() not in card.secret
        assert "MTIzNDU2Nzg5MDEy" not in card.secret
        assert RFC6287_KEY20 not in card.secret.encode()


def test_csv_import_reads_hex_secrets_and_optional_suites():
    cards = devices_import(
        path_or_file=DATA / "dsc_plus.csv", filename="dsc_plus.csv", actor=None, client=SYSTEM
    )

    assert [card.serial for card in cards] == ["CSV-0001", "CSV-0002", "CSV-0003"]
    assert [card.ocra_suite for card in cards] == [
        conf.DSC_PLUS_DEFAULT_SUITE,
        "OCRA-1:HOTP-SHA256-8:QN08-PSHA1",
        "OCRA-1:HOTP-SHA512-8:QN08-PSHA1",
    ]
    assert secret_decrypt(cards[1].secret) == RFC6287_KEY32


def test_import_writes_one_audit_event_with_count_and_file():
    import_text(f"serial,secret\nA-1,{GOOD_HEX}\nA-2,{GOOD_HEX}\n", filename="box7.csv")

    event = AuditEvent.objects.get(event_type=AuditEventType.DEVICES_IMPORTED)
    assert event.detail == {"count": 2, "file": "box7.csv"}
    assert Authenticator.objects.count() == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"serial,secret\nA-1,{GOOD_HEX}\n,{GOOD_HEX}\n", "Line 3: the serial is missing"),
        (f"serial,secret\nA-1,{GOOD_HEX}\nA-2,12zz34\n", "Line 3: the secret is not hexadecimal"),
        (f"serial,secret\nA-1,{GOOD_HEX}\nA-2,\n", "Line 3: the secret is empty"),
        (
            f"serial,secret\nA-1,{GOOD_HEX}\nA-2,{GOOD_HEX}\n\nA-1,{GOOD_HEX}\n",
            "Line 5: serial A-1 is in the file twice (also Line 2)",
        ),
        (
            f"serial,secret,suite\nA-1,{GOOD_HEX},\nA-2,{GOOD_HEX},OCRA-1:HOTP-SHA9-8:QN06\n",
            "Line 3: Unusable OCRA suite",
        ),
        (f"serial,secret\nA-1,{GOOD_HEX},extra\n", "Line 2: 3 columns where the header names 2"),
        (
            f"serial,secret\nA-1,{GOOD_HEX}\nA\x002,{GOOD_HEX}\n",
            "Line 3: the serial holds control characters",
        ),
        (
            f"serial,secret,suite\nA-1,{GOOD_HEX},\nA-2,{GOOD_HEX},OCRA-1:HOTP-SHA1-8:QN08\x1b\n",
            "Line 3: the suite holds control characters",
        ),
        (f"serial,seed\nA-1,{GOOD_HEX}\n", "Line 1: the header must be 'serial,secret'"),
        ("serial,secret\n", "holds no cards"),
        (pskc_document(key_package("P-1"), key_package(serial="")), "KeyPackage 2: no serial"),
        (
            pskc_document(key_package("P-1"), key_package("P-2", secret="")),
            "KeyPackage 2 (card P-2): the secret (Data/Secret) is missing or empty",
        ),
        (
            pskc_document(key_package("P-1"), key_package("P-1")),
            "KeyPackage 2 (card P-1): serial P-1 is in the file twice (also KeyPackage 1",
        ),
        (
            pskc_document(key_package("P-1"), key_package("P-2", suite="OCRA-9:NOPE")),
            "KeyPackage 2 (card P-2): Unusable OCRA suite 'OCRA-9:NOPE'",
        ),
        (
            pskc_document(key_package("P-1", algorithm=HOTP_URI)),
            f"KeyPackage 1 (card P-1): algorithm {HOTP_URI} is not OCRA",
        ),
        (pskc_document(key_package("P-1")).replace("</pskc:Key>", ""), "Unreadable PSKC file"),
        (pskc_document(key_package("P-1"), key_package("P&#1;2")), "Unreadable PSKC file"),
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><KeyContainer/>',
            "DOCTYPE or entity declarations are refused",
        ),
    ],
    ids=[
        "csv-missing-serial",
        "csv-bad-hex",
        "csv-empty-secret",
        "csv-duplicate-serial",
        "csv-unknown-suite",
        "csv-extra-column",
        "csv-nul-in-serial",
        "csv-control-character-in-suite",
        "csv-bad-header",
        "csv-no-cards",
        "pskc-missing-serial",
        "pskc-empty-secret",
        "pskc-duplicate-serial",
        "pskc-unknown-suite",
        "pskc-not-ocra",
        "pskc-unparseable-xml",
        "pskc-control-character",
        "pskc-doctype",
    ],
)
def test_bad_file_is_refused_whole_naming_the_fault(text, message):
    import_text(f"serial,secret\nKEEP-1,{GOOD_HEX}\n")
    before = Authenticator.objects.count()

    with pytest.raises(ValidationError) as refused:
        import_text(text)

    assert message in " ".join(refused.value.messages)
    assert Authenticator.objects.count() == before
    assert AuditEvent.objects.filter(event_type=AuditEventType.DEVICES_IMPORTED).count() == 1


def test_serial_already_in_the_inventory_refuses_the_whole_file():
    import_text(f"serial,secret\nA-2,{GOOD_HEX}\n")

    with pytest.raises(ValidationError, match="Line 3: card A-2 is already in the inventory"):
        import_text(f"serial,secret\nA-1,{GOOD_HEX}\nA-2,{GOOD_HEX}\nA-3,{GOOD_HEX}\n")

    assert list(Authenticator.objects.values_list("serial", flat=True)) == ["A-2"]


def test_encrypted_pskc_without_our_key_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError, match="encrypted under a key this portal does not hold"):
        devices_import(
            path_or_file=DATA / "encrypted.pskcxml", filename="enc", actor=None, client=SYSTEM
        )

    assert not Authenticator.objects.exists()


def test_failure_while_writing_rolls_every_card_back(monkeypatch):
    def audit_down(**kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(importers, "audit_record", audit_down)

    with pytest.raises(RuntimeError):
        import_text(f"serial,secret\nA-1,{GOOD_HEX}\nA-2,{GOOD_HEX}\n")

    assert not Authenticator.objects.exists()


def test_oversized_file_is_refused(monkeypatch):
    monkeypatch.setattr(importers, "MAX_FILE_BYTES", 64)

    with pytest.raises(ValidationError, match="limited to"):
        import_text(f"serial,secret\nA-1,{GOOD_HEX}\nA-2,{GOOD_HEX}\n")


def test_too_many_cards_are_refused(monkeypatch):
    monkeypatch.setattr(importers, "MAX_CARDS", 2)

    with pytest.raises(ValidationError, match="holds 3 cards; the limit is 2"):
        import_text(f"serial,secret\nA-1,{GOOD_HEX}\nA-2,{GOOD_HEX}\nA-3,{GOOD_HEX}\n")
    assert not Authenticator.objects.exists()


def test_command_imports_and_prints_the_count():
    out = io.StringIO()

    call_command("import_devices", str(PLAIN_PSKC), stdout=out)

    assert "Imported 2 cards from dsc_plus_plain.pskcxml." in out.getvalue()
    assert Authenticator.objects.count() == 2


def test_command_refuses_a_bad_file_with_its_message(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(f"serial,secret\nA-1,{GOOD_HEX}\nA-2,xyz\n")

    with pytest.raises(CommandError, match="bad.csv: Line 3: the secret is not hexadecimal"):
        call_command("import_devices", str(bad))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_devices", str(tmp_path / "missing.csv"))
    assert not Authenticator.objects.exists()
