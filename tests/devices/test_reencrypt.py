"""D4: after a new key is put first, `reencrypt_device_secrets` moves every stored secret
under it, so the old key can be removed with nothing left unreadable."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType
from devices.crypto import SecretUnreadable, secret_decrypt
from devices.models import Authenticator
from devices.services import secrets
from devices.services.inventory import authenticator_assign, authenticator_build, scc_issue
from simulators.cards import card_grid, card_print
from simulators.security_keys import security_key_create, security_key_sign_count
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def stock(count: int) -> dict[str, bytes]:
    """DSC+ cards in stock under whatever key is first; their seeds by serial."""
    seeds = {}
    for number in range(count):
        seed = bytes([number + 1]) * 20
        card = authenticator_build(kind="dsc_plus", serial=f"R-{number}", secret=seed)
        card.save()
        seeds[card.serial] = seed
    return seeds


def test_D4_secrets_pins_and_grids_survive_retiring_the_old_key():
    with override_settings(DEVICE_SECRET_KEYS=[KEY_A]):
        seeds = stock(3)
        user = UserFactory(device=False)
        authenticator_assign(
            authenticator=Authenticator.objects.get(serial="R-0"),
            user=user,
            pin="2468",
            actor=None,
            client=SYSTEM,
        )
        _, grid = scc_issue(serial="SCC-R")
        card_print(serial="SCC-R", grid=grid)
        key = security_key_create(label="Rotated key")
        before = {card.serial: card.secret for card in Authenticator.objects.all()}

    out = io.StringIO()
    with override_settings(DEVICE_SECRET_KEYS=[KEY_B, KEY_A]):
        call_command("reencrypt_device_secrets", stdout=out)

    assert (
        "3 authenticators and 1 simulated cards and 1 simulated security keys (5 rows)"
        in out.getvalue()
    )
    with override_settings(DEVICE_SECRET_KEYS=[KEY_B]):
        for serial, seed in seeds.items():
            card = Authenticator.objects.get(serial=serial)
            assert card.secret != before[serial]
            assert secret_decrypt(card.secret) == seed
        assert secret_decrypt(Authenticator.objects.get(serial="R-0").pin) == b"2468"
        assert card_grid(serial="SCC-R") == grid
        key.refresh_from_db()
        assert security_key_sign_count(key) == 0
    event = AuditEvent.objects.get(event_type=AuditEventType.DEVICE_SECRETS_REENCRYPTED)
    assert event.detail == {
        "count": 5,
        "authenticators": 3,
        "simulated_cards": 1,
        "simulated_security_keys": 1,
    }


def test_D4_without_the_simulators_only_the_authenticators_move(monkeypatch):
    """Production has no simulators app, so nothing but devices' own columns is registered."""
    monkeypatch.setattr(secrets, "ENCRYPTED_ELSEWHERE", {})
    with override_settings(DEVICE_SECRET_KEYS=[KEY_A]):
        stock(2)

    out = io.StringIO()
    with override_settings(DEVICE_SECRET_KEYS=[KEY_B, KEY_A]):
        call_command("reencrypt_device_secrets", stdout=out)

    assert "Re-encrypted the secrets of 2 authenticators (2 rows)." in out.getvalue()
    event = AuditEvent.objects.get(event_type=AuditEventType.DEVICE_SECRETS_REENCRYPTED)
    assert event.detail == {"count": 2, "authenticators": 2}


def test_D4_reencryption_reads_and_writes_in_batches_not_per_row(django_assert_max_num_queries):
    with override_settings(DEVICE_SECRET_KEYS=[KEY_A]):
        stock(25)

    with (
        override_settings(DEVICE_SECRET_KEYS=[KEY_B, KEY_A]),
        django_assert_max_num_queries(12),
    ):
        call_command("reencrypt_device_secrets", "--batch-size", "10", stdout=io.StringIO())

    with override_settings(DEVICE_SECRET_KEYS=[KEY_B]):
        assert all(secret_decrypt(card.secret) for card in Authenticator.objects.all())


def test_D4_a_secret_no_key_opens_stops_the_rotation_and_changes_nothing():
    with override_settings(DEVICE_SECRET_KEYS=[KEY_A]):
        stock(2)
    with override_settings(DEVICE_SECRET_KEYS=[Fernet.generate_key().decode()]):
        lost = authenticator_build(kind="dsc_plus", serial="Z-LOST", secret=b"x")
        lost.save()
    before = dict(Authenticator.objects.values_list("serial", "secret"))

    with (
        override_settings(DEVICE_SECRET_KEYS=[KEY_B, KEY_A]),
        pytest.raises(CommandError, match="No configured key opens the secret of .* Z-LOST"),
    ):
        call_command("reencrypt_device_secrets", stdout=io.StringIO())

    assert dict(Authenticator.objects.values_list("serial", "secret")) == before
    assert not AuditEvent.objects.filter(
        event_type=AuditEventType.DEVICE_SECRETS_REENCRYPTED
    ).exists()
    with override_settings(DEVICE_SECRET_KEYS=[KEY_B]), pytest.raises(SecretUnreadable):
        secret_decrypt(Authenticator.objects.get(serial="R-0").secret)
