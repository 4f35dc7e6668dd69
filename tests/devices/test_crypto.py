"""D4: device secrets are encrypted under rotatable keys; card cells are keyed hashes."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings

from devices.crypto import (
    SecretUnreadable,
    cell_digest,
    cell_matches,
    secret_decrypt,
    secret_encrypt,
    secret_reencrypt,
)

SEED = bytes.fromhex("3132333435363738393031323334353637383930")


def test_D4_secret_round_trips_and_is_not_stored_in_clear():
    token = secret_encrypt(SEED)

    assert SEED.hex() not in token
    assert SEED not in token.encode()
    assert secret_decrypt(token) == SEED


def test_D4_old_secrets_still_open_after_a_new_key_is_put_first(settings):
    old_key = settings.DEVICE_SECRET_KEYS[0]
    token = secret_encrypt(SEED)
    new_key = Fernet.generate_key().decode()

    with override_settings(DEVICE_SECRET_KEYS=[new_key, old_key]):
        rotated = secret_reencrypt(token)
        assert secret_decrypt(rotated) == SEED

    with override_settings(DEVICE_SECRET_KEYS=[new_key]):
        assert secret_decrypt(rotated) == SEED
        with pytest.raises(SecretUnreadable):
            secret_decrypt(token)


def test_D4_tampered_secret_is_refused():
    token = secret_encrypt(SEED)
    tampered = token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB")

    with pytest.raises(SecretUnreadable):
        secret_decrypt(tampered)


def test_D4_card_cells_are_bound_to_card_and_position():
    digest = cell_digest(card_id="SCC-1", index=17, code="482")

    assert "482" not in digest
    assert cell_matches(card_id="SCC-1", index=17, code="482", digest=digest)
    assert not cell_matches(card_id="SCC-1", index=18, code="482", digest=digest)
    assert not cell_matches(card_id="SCC-2", index=17, code="482", digest=digest)
    assert not cell_matches(card_id="SCC-1", index=17, code="483", digest=digest)
