"""The simulators play the cards from what a card holds, and vanish when switched off."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from devices.crypto import secret_decrypt
from devices.ocra import ocra_response
from tests.devices.reference_ocra import reference_ocra
from tests.factories import DEFAULT_PIN, UserFactory

pytestmark = pytest.mark.django_db


def serial_of(user, kind):
    return user.securitydevice_set.get(authenticator__kind=kind).authenticator.serial


def test_D1_keypad_shows_the_ocra_response(client):
    user = UserFactory(device="dsc_plus")
    serial = serial_of(user, "dsc_plus")

    page = client.post(
        reverse("simulators:keypad"), {"serial": serial, "pin": DEFAULT_PIN, "challenge": "123456"}
    )

    display = page.context["display"]
    assert len(display) == 8 and display.isdigit()
    authenticator = user.securitydevice_set.get().authenticator
    key = secret_decrypt(authenticator.secret)
    assert display == reference_ocra(authenticator.ocra_suite, key, "123456", DEFAULT_PIN)
    assert display == ocra_response(
        suite=authenticator.ocra_suite, key=key, challenge="123456", pin=DEFAULT_PIN
    )


def test_keypad_with_a_wrong_pin_shows_nothing(client):
    serial = serial_of(UserFactory(device="dsc_plus"), "dsc_plus")

    page = client.post(
        reverse("simulators:keypad"), {"serial": serial, "pin": "0000", "challenge": "123456"}
    )

    assert page.context["display"] == ""
    assert b"PIN incorrect." in page.content


@pytest.mark.parametrize("challenge", ["12a456", "", "١٢٣٤٥٦", "1" * 60])
def test_keypad_refuses_unreadable_challenges_without_error(client, challenge):
    serial = serial_of(UserFactory(device="dsc_plus"), "dsc_plus")

    page = client.post(
        reverse("simulators:keypad"), {"serial": serial, "pin": DEFAULT_PIN, "challenge": challenge}
    )

    assert page.status_code == 200
    assert page.context["display"] == ""


def test_printed_card_shows_one_hundred_numbered_cells(client):
    serial = serial_of(UserFactory(device="scc"), "scc")

    page = client.get(reverse("simulators:printed_card", args=[serial]))

    cells = [cell for row in page.context["rows"] for cell in row]
    assert [index for index, _ in cells] == list(range(1, 101))
    assert all(len(code) == 3 and code.isdigit() for _, code in cells)


def test_unknown_printed_card_is_a_clear_404(client):
    page = client.get(reverse("simulators:printed_card", args=["NOPE-1"]))

    assert page.status_code == 404
    assert b"No printed card" in page.content


def test_token_page_presses_the_button(client):
    user = UserFactory(device="platinum")

    page = client.post(reverse("simulators:token"), {"serial": serial_of(user, "platinum")})

    assert len(page.context["display"]) == 6


@override_settings(SLS_SIMULATORS=False)
@pytest.mark.parametrize("url", ["/simulators/", "/simulators/keypad/", "/simulators/token/"])
def test_simulators_do_not_exist_when_switched_off(client, url):
    assert client.get(url).status_code == 404


def test_device_respond_command_plays_each_card():
    user = UserFactory(device="scc")
    out = StringIO()

    call_command("device_respond", serial_of(user, "scc"), "--challenge", "3,77", stdout=out)

    assert len(out.getvalue().strip()) == 6


def test_device_respond_command_with_wrong_pin_fails_cleanly():
    serial = serial_of(UserFactory(device="dsc_plus"), "dsc_plus")

    with pytest.raises(CommandError, match="PIN incorrect"):
        call_command("device_respond", serial, "--challenge", "123456", "--pin", "9999")
