"""Bench clients: users with DSC+ cards whose seeds are written out, so that the load
generator can play the cards. For bench and load-test databases only."""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.contrib.auth.hashers import make_password

from accounts.models import Account, Client, User
from devices.crypto import secret_decrypt
from devices.demo import demo_card_give
from devices.kinds import Kind

BENCH_PASSWORD = "bench-login-pass-7"  # noqa: S105 (bench accounts only)
BENCH_PIN = "1234"


def portal_users_seed(*, count: int, devices: int = 1) -> list[dict]:
    """`count` users, each with `devices` DSC+ cards; the first card is the one to answer.
    One Argon2 hash serves every user: hashing is what the logins measure, not the seed."""
    stamp = time.monotonic_ns() % 10**7
    hashed = make_password(BENCH_PASSWORD)
    credentials = []
    for n in range(count):
        client = Client.objects.create(
            kind=Client.Kind.ENTITY,
            name=f"Bench login {n}",
            citizenship="US",
            residence_country="US",
            id_document_type="registration",
            id_document_number=f"L{stamp}-{n}",
        )
        account = Account.objects.create(number=f"U8{stamp:07d}{n:03d}", title=f"Bench {n}")
        user = User.objects.create(
            username=f"load{stamp}x{n}", client=client, account=account, password=hashed
        )
        cards = [
            demo_card_give(
                user=user, kind=Kind.DSC_PLUS, serial=f"DSCP-L{stamp}-{n}-{d}", pin=BENCH_PIN
            ).authenticator
            for d in range(devices)
        ]
        credentials.append(
            {
                "username": user.username,
                "password": BENCH_PASSWORD,
                "suite": cards[0].ocra_suite,
                "key": secret_decrypt(cards[0].secret).hex(),
                "pin": BENCH_PIN,
                "user_id": user.pk,
            }
        )
    return credentials


def credentials_write(credentials: list[dict], path: Path) -> Path:
    path.write_text(json.dumps(credentials), encoding="utf-8")
    return path
