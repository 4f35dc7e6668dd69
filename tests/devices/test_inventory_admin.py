"""The device inventory in the admin: seed-file import and assignment as staff views, each
checking its permission inside; secrets never on a page (D4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from accounts.models import AuditEvent, AuditEventType
from devices.crypto import secret_decrypt
from devices.models import Authenticator, SecurityDevice
from devices.services.inventory import authenticator_build
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
CHANGELIST = "admin:devices_authenticator_changelist"
IMPORT = "admin:devices_authenticator_import"
ASSIGN = "admin:devices_authenticator_assign"
SEED = bytes.fromhex("3132333435363738393031323334353637383930")


@pytest.fixture(autouse=True)
def _staff_need_no_second_factor_here(monkeypatch):
    """The admin site wants an OTP-verified session; the login flow has its own tests."""
    monkeypatch.setattr(
        OTPAdminSite,
        "has_permission",
        lambda self, request: request.user.is_active and request.user.is_staff,
    )


@pytest.fixture
def superuser():
    return StaffFactory(is_superuser=True, device=False)


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def card():
    authenticator = authenticator_build(kind="dsc_plus", serial="DSCP-7", secret=SEED)
    authenticator.save()
    return authenticator


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_D4_changelist_and_change_form_never_show_secrets(superuser_client, card):
    listing = superuser_client.get(reverse(CHANGELIST)).content.decode()
    page = superuser_client.get(reverse("admin:devices_authenticator_change", args=[card.pk]))
    content = page.content.decode()

    assert "DSCP-7" in listing
    assert "Import seed file" in listing
    assert "Set, encrypted" in content
    assert reverse(ASSIGN, args=[card.pk]) in content
    for shown in (listing, content):
        assert card.secret not in shown
        assert SEED.hex() not in shown
        assert 'name="counter"' not in shown


def test_import_view_puts_the_file_in_stock_and_says_how_many(superuser_client, superuser):
    response = superuser_client.post(
        reverse(IMPORT),
        {"file": upload("batch.pskcxml", (DATA / "dsc_plus_plain.pskcxml").read_bytes())},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse(CHANGELIST)
    assert "Imported 2 cards from batch.pskcxml." in response.content.decode()
    assert set(Authenticator.objects.values_list("serial", flat=True)) >= {
        "DSCP-0001",
        "DSCP-0002",
    }
    event = AuditEvent.objects.get(event_type=AuditEventType.DEVICES_IMPORTED)
    assert event.actor == superuser
    assert event.detail == {"count": 2, "file": "batch.pskcxml"}


def test_import_view_shows_the_fault_on_the_form_and_imports_nothing(superuser_client):
    before = Authenticator.objects.count()
    bad = b"serial,secret\nA-1,3132\nA-2,not-hex\n"

    response = superuser_client.post(reverse(IMPORT), {"file": upload("bad.csv", bad)})

    assert response.status_code == 200
    assert "Line 3: the secret is not hexadecimal." in response.context["form"].errors["file"]
    assert Authenticator.objects.count() == before


def test_import_needs_the_add_permission(client):
    staff = StaffFactory(device=False)
    staff.user_permissions.add(Permission.objects.get(codename="view_authenticator"))
    client.force_login(staff)

    assert client.get(reverse(IMPORT)).status_code == 403
    assert "Import seed file" not in client.get(reverse(CHANGELIST)).content.decode()
    response = client.post(reverse(IMPORT), {"file": upload("a.csv", b"serial,secret\nA,31\n")})
    assert response.status_code == 403
    assert not Authenticator.objects.filter(serial="A").exists()


def test_assign_view_activates_the_card_for_the_client(superuser_client, superuser, card, user):
    response = superuser_client.post(
        reverse(ASSIGN, args=[card.pk]),
        {"username": user.username, "pin": "2468", "pin_again": "2468"},
        follow=True,
    )

    assert f"is now {user.username}&#x27;s device" in response.content.decode()
    card.refresh_from_db()
    assert card.state == Authenticator.State.ACTIVE
    assert secret_decrypt(card.pin) == b"2468"
    assert SecurityDevice.objects.filter(user=user, authenticator=card).exists()
    event = AuditEvent.objects.get(
        event_type=AuditEventType.DEVICE_ASSIGNED, detail__serial=card.serial
    )
    assert (event.actor, event.subject) == (superuser, user)


@pytest.mark.parametrize(
    ("pins", "field", "error"),
    [
        (("2468", "2469"), "pin_again", "The two PINs differ."),
        (("24a8", "24a8"), "__all__", "The PIN must be exactly 4 digits."),
    ],
)
def test_assign_view_shows_pin_errors_on_the_form(superuser_client, card, user, pins, field, error):
    response = superuser_client.post(
        reverse(ASSIGN, args=[card.pk]),
        {"username": user.username, "pin": pins[0], "pin_again": pins[1]},
    )

    assert response.status_code == 200
    assert error in response.context["form"].errors[field]
    card.refresh_from_db()
    assert card.state == Authenticator.State.IN_STOCK


def test_assign_view_refuses_staff_users_and_cards_not_in_stock(superuser_client, card, user):
    response = superuser_client.post(
        reverse(ASSIGN, args=[card.pk]),
        {"username": "agent-nobody", "pin": "2468", "pin_again": "2468"},
    )
    assert "No client's user has that user name." in response.context["form"].errors["username"]

    Authenticator.objects.filter(pk=card.pk).update(state=Authenticator.State.LOST)
    response = superuser_client.post(
        reverse(ASSIGN, args=[card.pk]),
        {"username": user.username, "pin": "2468", "pin_again": "2468"},
    )
    assert "Digital Security Card+ DSCP-7 is lost." in response.context["form"].errors["__all__"]
    assert not SecurityDevice.objects.filter(authenticator=card).exists()


def test_assign_needs_the_change_permission(client, card, user):
    staff = StaffFactory(device=False)
    staff.user_permissions.add(Permission.objects.get(codename="view_authenticator"))
    client.force_login(staff)

    response = client.post(
        reverse(ASSIGN, args=[card.pk]),
        {"username": user.username, "pin": "2468", "pin_again": "2468"},
    )

    assert response.status_code == 403
    page = client.get(reverse("admin:devices_authenticator_change", args=[card.pk]))
    assert reverse(ASSIGN, args=[card.pk]) not in page.content.decode()
    assert not SecurityDevice.objects.filter(authenticator=card).exists()


def test_device_pages_are_read_only_even_for_a_superuser(superuser_client, card, user):
    device = SecurityDevice.objects.filter(user=user).first()

    assert superuser_client.get(reverse("admin:devices_authenticator_add")).status_code == 403
    assert superuser_client.get(reverse("admin:devices_challenge_add")).status_code == 403
    response = superuser_client.post(
        reverse("admin:devices_securitydevice_change", args=[device.pk]), {"confirmed": ""}
    )
    assert response.status_code == 403
    assert (
        superuser_client.get(reverse("admin:devices_securitydevice_changelist")).status_code == 200
    )
    assert superuser_client.get(reverse("admin:devices_challenge_changelist")).status_code == 200


def test_assign_link_is_only_on_cards_in_stock(superuser_client, card, user):
    active = SecurityDevice.objects.filter(user=user).first().authenticator

    page = superuser_client.get(reverse("admin:devices_authenticator_change", args=[active.pk]))

    assert reverse(ASSIGN, args=[active.pk]) not in page.content.decode()
