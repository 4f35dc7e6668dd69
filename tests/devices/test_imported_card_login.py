"""End to end: DSC+ cards from a vendor seed file log in with the responses an independent
RFC 6287 implementation computes from the vendor's seeds (D1)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.client_info import SYSTEM
from devices.importers import devices_import
from devices.services.inventory import authenticator_assign
from tests.devices.reference_ocra import reference_ocra
from tests.factories import UserFactory
from tests.login_helpers import device_page, is_logged_in, post_login

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
PIN = "2468"

# The seeds as the vendor's files hold them, read here without the project's code.
VENDOR_SEEDS = {
    "DSCP-0001": (
        base64.b64decode("MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI="),
        "OCRA-1:HOTP-SHA256-8:QN08-PSHA1",
    ),
    "DSCP-0002": (
        base64.b64decode("MTIzNDU2Nzg5MDEyMzQ1Njc4OTA="),
        "OCRA-1:HOTP-SHA256-8:QN06-PSHA1",
    ),
    "CSV-0001": (
        bytes.fromhex("3132333435363738393031323334353637383930"),
        "OCRA-1:HOTP-SHA256-8:QN06-PSHA1",
    ),
}


@pytest.mark.parametrize(
    ("filename", "serial"),
    [
        ("dsc_plus_plain.pskcxml", "DSCP-0001"),
        ("dsc_plus_plain.pskcxml", "DSCP-0002"),
        ("dsc_plus.csv", "CSV-0001"),
    ],
)
def test_D1_imported_dsc_plus_logs_in_with_independently_computed_responses(
    client, password, filename, serial
):
    cards = {
        card.serial: card
        for card in devices_import(
            path_or_file=DATA / filename, filename=filename, actor=None, client=SYSTEM
        )
    }
    user = UserFactory(device=False)
    authenticator_assign(authenticator=cards[serial], user=user, pin=PIN, actor=None, client=SYSTEM)
    seed, suite = VENDOR_SEEDS[serial]
    post_login(client, user.username, password)
    page = device_page(client)
    challenge = page.context["challenge"]

    response = client.post(
        reverse("devices:login_device"),
        {
            "device": page.context["device"].pk,
            "challenge": challenge.pk,
            "response": reference_ocra(suite, seed, challenge.value, PIN),
        },
    )

    assert response.status_code == 302
    assert is_logged_in(client)
