"""The simulated phone's authenticator app (F3): it takes the link of the portal's QR code
or the key beside it, keeps the key encrypted, and shows the code of the moment, which the
portal takes. Anything else pasted is a clear error and keeps nothing."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
import time_machine
from django.test import Client, override_settings
from hypothesis import given
from hypothesis import strategies as st

from accounts.validators import has_control_character
from devices.crypto import secret_decrypt
from devices.models import SecurityDevice
from simulators.authenticator_app import NAME_UNREADABLE, NOT_A_KEY, NOT_TIME_BASED
from simulators.models import PhoneAuthenticatorAccount
from tests.accounts.sls_helpers import logged_in
from tests.devices.authenticator_app.helpers import CONFIRM, confirm, start
from tests.factories import UserFactory
from tests.form_fuzz import bodies, own_throttles, post_fuzzed
from tests.simulators.test_phone import app_url, install

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 1, 9, 0, 5, tzinfo=dt.UTC)
KEY = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def phone(client) -> str:
    return install(client)


def paste(client: Client, phone: str, key: str, name: str = ""):
    return client.post(app_url(phone, "authenticator_add"), {"key": key, "name": name})


def shown_codes(client: Client, phone: str) -> list[str]:
    return [shown.code for shown in client.get(app_url(phone)).context["authenticator_codes"]]


def test_F3_phone_app_code_adds_the_app_in_the_portal(client, phone, clock):
    user = UserFactory()
    browser = logged_in(user)
    start(browser, "Simulated phone")
    pending = browser.get(CONFIRM).context["pending"]

    pasted = paste(client, phone, pending.uri)
    page = client.get(app_url(phone))
    [code] = shown_codes(client, phone)
    response = confirm(browser, code)

    assert pasted.status_code == 302
    assert b"SLS Portal" in page.content and user.username.encode() in page.content
    assert code.encode() in page.content
    assert response.status_code == 302
    assert SecurityDevice.objects.filter(user=user, name="Simulated phone").exists()


def test_F3_typed_key_with_spaces_and_lower_case_shows_the_rfc_6238_code(client, phone, clock):
    typed = " ".join(KEY[i : i + 4] for i in range(0, len(KEY), 4)).lower()

    assert paste(client, phone, typed, "  Portal, typed  ").status_code == 302

    account = PhoneAuthenticatorAccount.objects.get()
    assert str(account) == "Portal, typed"
    assert KEY not in account.secret and "JBSW" not in account.secret
    assert shown_codes(client, phone) == [pyotp.TOTP(KEY).at(NOW)]
    clock.shift(dt.timedelta(seconds=30))
    assert shown_codes(client, phone) == [pyotp.TOTP(KEY).at(NOW + dt.timedelta(seconds=30))]


def test_F3_link_with_eight_digits_and_sixty_seconds_is_followed(client, phone, clock):
    link = f"otpauth://totp/Other:me?secret={KEY}&digits=8&period=60"

    assert paste(client, phone, link).status_code == 302

    assert shown_codes(client, phone) == [pyotp.TOTP(KEY, digits=8, interval=60).at(NOW)]


@pytest.mark.parametrize(
    ("key", "error"),
    [
        ("JBSW", NOT_A_KEY),
        ("not a key at all!", NOT_A_KEY),
        ("Ünïcødé ключ 🔑🔑🔑🔑🔑🔑🔑🔑", NOT_A_KEY),
        ("A" * 17, NOT_A_KEY),
        ("A" * 2000, NOT_A_KEY),
        ("otpauth://totp/x", NOT_A_KEY),
        ("otpauth://totp/x?secret=", NOT_A_KEY),
        (f"otpauth://totp/x?secret={KEY}&digits=9", NOT_A_KEY),
        (f"otpauth://totp/x?secret={KEY}&digits=99999999999999999999999", NOT_A_KEY),
        (f"otpauth://totp/x?secret={KEY}&secret={KEY}", NOT_A_KEY),
        (f"otpauth://totp/x?secret={KEY}&period=abc", NOT_A_KEY),
        (f"otpauth://totp/x?secret={KEY}&algorithm=MD5", NOT_A_KEY),
        ("otpauth://totp/x?secret=not-base32!", NOT_A_KEY),
        (f"otpauth://hotp/x?secret={KEY}&counter=1", NOT_TIME_BASED),
        (f"otpauth://totp/x?secret={KEY}&algorithm=SHA256", NOT_TIME_BASED),
        (f"otpauth://totp/x?secret={KEY}&period=0", NOT_A_KEY),
        (f"otpauth://totp/x?secret={KEY}&period=5", NOT_TIME_BASED),
        (f"otpauth://totp/x?secret={KEY}&encoder=steam", NOT_TIME_BASED),
        (f"otpauth://totp/a%00b?secret={KEY}", NAME_UNREADABLE),
        (f"otpauth://totp/{'x' * 200}?secret={KEY}", NAME_UNREADABLE),
    ],
)
def test_F3_anything_but_a_key_is_a_clear_error_and_kept_nowhere(client, phone, key, error):
    response = paste(client, phone, key)

    assert response.status_code == 200
    assert response.context["authenticator_form"].errors["key"] == [error]
    assert not PhoneAuthenticatorAccount.objects.exists()


def test_F3_empty_huge_and_nul_keys(client, phone):
    empty = paste(client, phone, "")
    huge = paste(client, phone, "A" * 100_000)
    nul = paste(client, phone, f"{KEY}\x00")

    assert empty.context["authenticator_form"].errors["key"]
    assert huge.context["authenticator_form"].errors["key"]
    assert nul.status_code == 400
    assert not PhoneAuthenticatorAccount.objects.exists()


@given(data=st.data())
@own_throttles
def test_F3_whatever_is_pasted_the_phone_never_fails_and_keeps_only_keys(db, data):
    client = Client()
    phone = install(client)

    body = data.draw(bodies(fuzzed=("name",), kept={"key": KEY}))
    post_fuzzed(client, app_url(phone, "authenticator_add"), body, may_succeed=True)

    for account in PhoneAuthenticatorAccount.objects.filter(installation__installation_id=phone):
        assert len(secret_decrypt(account.secret)) >= 10
        assert not has_control_character(account.issuer + account.label)
    assert client.get(app_url(phone)).status_code == 200


def test_F3_unknown_phone_is_404(client):
    assert paste(client, "no-such-phone", KEY).status_code == 404


@override_settings(SLS_SIMULATORS=False)
def test_F3_phone_authenticator_is_gone_when_simulators_are_off(client, phone):
    assert paste(client, phone, KEY).status_code == 404
