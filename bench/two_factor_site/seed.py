"""`python -m bench.two_factor_site.seed COUNT FILE`: migrate the yardstick's database and
give it COUNT users with a TOTP device each. TOTP refuses a code used before, so each user
logs in at most once per 30-second step: the bench uses more users than logins it makes."""

from __future__ import annotations

import base64
import json
import secrets
import sys
import time

import django


def main(count: int, path: str) -> None:
    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sls_portal.database import database_ensure

    database_ensure()
    call_command("migrate", verbosity=0, interactive=False)
    password = "bench-login-pass-7"  # noqa: S105 (bench accounts only)
    hashed = make_password(password)
    stamp = time.monotonic_ns() % 10**7
    users = User.objects.bulk_create(
        User(username=f"tf{stamp}x{n}", password=hashed) for n in range(count)
    )
    keys = [secrets.token_bytes(20) for _ in users]
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name="default", key=key.hex(), confirmed=True)
        for user, key in zip(users, keys, strict=True)
    )
    credentials = [
        {
            "username": user.username,
            "password": password,
            "totp_key": base64.b32encode(key).decode(),
        }
        for user, key in zip(users, keys, strict=True)
    ]
    with open(path, "w", encoding="utf-8") as file:
        json.dump(credentials, file)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
