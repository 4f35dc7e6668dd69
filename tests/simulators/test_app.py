"""The simulators app joins devices from its ready(): it keeps what the demo prints and the
demo's phone (devices/signals.py), and has key rotation move its encrypted grids. Where
nobody listens, as in production, devices works the same and writes nothing of theirs."""

from __future__ import annotations

import pytest

from devices.kinds import Kind
from devices.services.secrets import ENCRYPTED_ELSEWHERE
from devices.signals import demo_phone_activated, grid_card_printed
from simulators.cards import card_read_cells
from simulators.models import PhoneAppAccount, PhoneAppInstallation, SimulatedCard
from simulators.phone import AppError, app_pin_check
from tests.factories import DEFAULT_PIN, UserFactory, give_device

pytestmark = pytest.mark.django_db


def test_a_printed_grid_card_lands_in_the_simulator():
    device = give_device(UserFactory(device=False), Kind.SCC)

    serial = device.authenticator.serial
    assert SimulatedCard.objects.filter(serial=serial).exclude(printed_grid="").exists()
    assert len(card_read_cells(serial=serial, challenge="1,100")) == 6


def test_the_demo_phone_lands_in_the_simulator_with_the_registered_key():
    user = UserFactory(device=False)

    device = give_device(user, Kind.IB_KEY)

    installation = PhoneAppInstallation.objects.get()
    assert installation.installation_id == device.authenticator.app_installation
    assert (installation.platform, installation.os_version) == ("ios", "17.4")
    assert installation.biometrics and installation.private_key
    account = PhoneAppAccount.objects.get(installation=installation)
    assert (account.username, account.serial) == (user.username, device.authenticator.serial)
    app_pin_check(installation=installation, pin=DEFAULT_PIN)
    with pytest.raises(AppError):
        app_pin_check(installation=installation, pin="0000")


def test_without_listeners_the_demo_issues_the_same_devices_and_nothing_simulated(
    monkeypatch,
):
    monkeypatch.setattr(grid_card_printed, "receivers", [])
    monkeypatch.setattr(demo_phone_activated, "receivers", [])

    card = give_device(UserFactory(device=False), Kind.SCC)
    phone = give_device(UserFactory(device=False), Kind.IB_KEY)

    assert card.authenticator.cells.count() == 100
    assert phone.authenticator.public_key.startswith("-----BEGIN PUBLIC KEY-----")
    assert not SimulatedCard.objects.exists()
    assert not PhoneAppInstallation.objects.exists()


def test_key_rotation_moves_the_simulated_grids():
    columns = ENCRYPTED_ELSEWHERE["simulated_cards"]

    assert (columns.model, columns.fields) == (SimulatedCard, ("printed_grid",))
