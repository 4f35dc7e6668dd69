"""The support desk and the two self-registered kinds (F1, F3): security keys and
authenticator apps are listed with the name their user chose, their last use, a key's
sign count and attestation and the possibly-cloned flag; nothing of them can be added,
stocked or assigned by staff, so no agent registers one for a client."""

from __future__ import annotations

import datetime as dt
import io
import secrets

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType
from devices.importers import devices_import
from devices.kinds import Kind
from devices.models import Authenticator, SecurityDevice, SelfRegisteredDevice
from devices.services.inventory import (
    NOT_ASSIGNED_BY_STAFF,
    NOT_IN_STOCK,
    authenticator_assign,
    authenticator_build,
)
from tests.devices.desk.helpers import (
    SELF_REGISTERED_LIST,
    app_code,
    authenticator_app_give,
    gate_answer,
    key_answer,
    key_flag_cloned,
    list_rows,
    security_key_give,
)
from tests.factories import StaffFactory, UserFactory
from tests.login_helpers import full_login

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
ZERO_AAGUID = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def agent_client(client, support_agent, password):
    full_login(client, support_agent.username, password)
    return client


@pytest.fixture
def dora():
    return UserFactory(username="dora")


def test_F1_F3_desk_lists_keys_and_apps_with_name_user_last_use_and_sign_count(agent_client, dora):
    with time_machine.travel(T0, tick=False) as clock:
        key, software = security_key_give(dora, name="Blue key")
        app, secret = authenticator_app_give(dora, name="Work phone")
        clock.move_to(T0 + dt.timedelta(hours=2))
        assert gate_answer(dora, key, lambda c: key_answer(software, c)).accepted
        assert gate_answer(dora, key, lambda c: key_answer(software, c)).accepted

        rows = list_rows(agent_client, reverse(SELF_REGISTERED_LIST))

    assert rows["Blue key"] == (
        "Blue key | Security key or passkey | dora | Active | Mon 2 Mar 2026 11:00 UTC | 2"
        " | No | Mon 2 Mar 2026 09:00 UTC"
    )
    assert rows["Work phone"] == (
        "Work phone | Authenticator app | dora | Active | Never | - | No | Mon 2 Mar 2026 09:00 UTC"
    )
    # Cards are the inventory's: the user's DSC+ is not in this list.
    dsc_plus = Authenticator.objects.get(user_devices__user=dora, kind=Kind.DSC_PLUS)
    assert dsc_plus.serial not in agent_client.get(reverse(SELF_REGISTERED_LIST)).content.decode()
    assert set(SelfRegisteredDevice.objects.values_list("kind", flat=True)) == {
        Kind.SECURITY_KEY,
        Kind.AUTHENTICATOR_APP,
    }
    assert app_code(secret)  # the app itself stays usable: nothing above touched it


def test_F1_F3_desk_finds_them_by_the_users_name_or_the_name_they_chose(agent_client, dora):
    security_key_give(dora, name="Blue key")
    authenticator_app_give(UserFactory(username="erin"), name="Pixel")

    by_user = list_rows(agent_client, reverse(SELF_REGISTERED_LIST), q="dora")
    by_name = list_rows(agent_client, reverse(SELF_REGISTERED_LIST), q="Pixel")
    apps = list_rows(agent_client, reverse(SELF_REGISTERED_LIST), kind=Kind.AUTHENTICATOR_APP)
    listing = agent_client.get(reverse(SELF_REGISTERED_LIST)).content.decode()

    assert "Blue key" in by_user and "Pixel" not in by_user
    assert "Pixel" in by_name and "Blue key" not in by_name
    assert set(apps) - {"Name"} == {"Pixel"}
    # The kind filter offers the two kinds of this list, not the cards'.
    assert "?kind=security_key" in listing and "?kind=dsc_plus" not in listing


def test_F1_desk_flags_a_possibly_cloned_key_and_filters_on_it(agent_client, dora):
    with time_machine.travel(T0, tick=False):
        key, software = security_key_give(dora, name="Blue key")
        security_key_give(dora, name="Spare key")
        key_flag_cloned(dora, key, software)
        flagged = list_rows(agent_client, reverse(SELF_REGISTERED_LIST), possibly_cloned="yes")
        clean = list_rows(agent_client, reverse(SELF_REGISTERED_LIST), possibly_cloned="no")
        page = agent_client.get(
            reverse("admin:devices_selfregistereddevice_change", args=[key.authenticator_id])
        ).content.decode()

    assert set(flagged) - {"Name"} == {"Blue key"}
    assert "YES, since Mon 2 Mar 2026 09:00 UTC" in flagged["Blue key"]
    assert set(clean) - {"Name"} == {"Spare key"}
    # Its page says what it is and what support does about it.
    assert "a copy of its credential may exist" in page
    assert "remove the key" in page
    assert ">none<" in page  # the attestation format the software key gave
    assert ZERO_AAGUID in page
    assert key.authenticator.credential_id in page


def test_F4_desk_filters_keys_and_apps_by_the_states_they_can_be_in(agent_client, dora):
    key, _ = security_key_give(dora, name="Blue key")
    authenticator_app_give(dora, name="Work phone")
    Authenticator.objects.filter(pk=key.authenticator_id).update(state=Authenticator.State.LOST)

    lost = list_rows(agent_client, reverse(SELF_REGISTERED_LIST), state="lost")
    page = agent_client.get(reverse(SELF_REGISTERED_LIST)).content.decode()

    assert set(lost) - {"Name"} == {"Blue key"}
    # No card-only states (in stock, shipped, returned) to choose from.
    assert "?state=lost" in page and "?state=revoked" in page
    assert "?state=in_stock" not in page and "?state=returned" not in page


def test_F1_F3_desk_pages_are_read_only_for_everyone(client, dora, password):
    key, _ = security_key_give(dora)
    admin_user = StaffFactory(username="root", is_superuser=True)
    full_login(client, admin_user.username, password)
    change = reverse("admin:devices_selfregistereddevice_change", args=[key.authenticator_id])

    assert client.get(reverse("admin:devices_selfregistereddevice_add")).status_code == 403
    assert client.get(reverse("admin:devices_authenticator_add")).status_code == 403
    client.post(change, {"state": "revoked", "counter": "0"})
    assert client.post(change + "delete/", {"post": "yes"}).status_code == 403

    key.authenticator.refresh_from_db()
    assert (key.authenticator.state, key.authenticator.counter) == ("active", 0)
    listing = client.get(reverse(SELF_REGISTERED_LIST)).content.decode()
    assert reverse("admin:devices_selfregistereddevice_add") not in listing


def test_F1_agent_cannot_register_a_security_key_for_a_client(client, dora, password):
    """Not from stock (nothing of a key is ever in stock), not by assigning a key row,
    not through the admin's assign page; nothing changes and nothing is audited."""
    with pytest.raises(ValidationError) as built:
        authenticator_build(kind=Kind.SECURITY_KEY, serial="KEY-1", secret=b"x" * 20)
    assert built.value.messages == [NOT_IN_STOCK]
    key, _ = security_key_give(UserFactory(username="owner"))
    stray = Authenticator.objects.create(
        kind=Kind.SECURITY_KEY,
        serial="KEY-STOCK",
        credential_id="c3RyYXk",
        public_key="cHVibGlj",
        attestation_format="none",
    )
    stock_keeper = StaffFactory(username="stock", is_superuser=True)
    full_login(client, stock_keeper.username, password)
    assigned = AuditEvent.objects.filter(event_type=AuditEventType.DEVICE_ASSIGNED).count()

    for row in (stray, key.authenticator):
        with pytest.raises(ValidationError) as refused:
            authenticator_assign(authenticator=row, user=dora, actor=stock_keeper, client=SYSTEM)
        assert refused.value.messages == [NOT_ASSIGNED_BY_STAFF]
        url = reverse("admin:devices_authenticator_assign", args=[row.pk])
        page = client.get(url, follow=True)
        assert NOT_ASSIGNED_BY_STAFF in page.content.decode()
        assert page.redirect_chain[-1][0] == reverse(
            "admin:devices_authenticator_change", args=[row.pk]
        )
        client.post(url, {"username": "dora", "pin": "", "pin_again": ""})

    assert not SecurityDevice.objects.filter(user=dora, authenticator__kind=Kind.SECURITY_KEY)
    stray.refresh_from_db()
    assert stray.state == Authenticator.State.IN_STOCK
    assert AuditEvent.objects.filter(event_type=AuditEventType.DEVICE_ASSIGNED).count() == assigned
    # The change page of an in-stock key offers no "Assign to user".
    change = client.get(reverse("admin:devices_authenticator_change", args=[stray.pk]))
    assert "Assign to user" not in change.content.decode()


TOTP_PSKC = b"""<?xml version="1.0" encoding="UTF-8"?>
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">
  <KeyPackage>
    <DeviceInfo><SerialNo>APP-0001</SerialNo></DeviceInfo>
    <Key Id="1" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp">
      <Data><Secret><PlainValue>MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=</PlainValue></Secret></Data>
    </Key>
  </KeyPackage>
</KeyContainer>
"""


def test_F3_agent_cannot_register_an_authenticator_app_for_a_client(client, dora, password):
    """An app's secret is made at enrolment on the client's own page; a TOTP seed file is
    not a box of cards, and an app row cannot be assigned."""
    with pytest.raises(ValidationError) as built:
        authenticator_build(
            kind=Kind.AUTHENTICATOR_APP, serial="APP-1", secret=secrets.token_bytes(20)
        )
    assert built.value.messages == [NOT_IN_STOCK]
    with pytest.raises(ValidationError, match="is not OCRA"):
        devices_import(
            path_or_file=io.BytesIO(TOTP_PSKC), filename="apps.pskc", actor=None, client=SYSTEM
        )
    app, _ = authenticator_app_give(UserFactory(username="owner"))
    with pytest.raises(ValidationError) as refused:
        authenticator_assign(authenticator=app.authenticator, user=dora, actor=None, client=SYSTEM)
    assert refused.value.messages == [NOT_ASSIGNED_BY_STAFF]

    stock_keeper = StaffFactory(username="stock", is_superuser=True)
    full_login(client, stock_keeper.username, password)
    upload = io.BytesIO(TOTP_PSKC)
    upload.name = "apps.pskc"
    page = client.post(reverse("admin:devices_authenticator_import"), {"file": upload})
    assert "is not OCRA" in page.content.decode()
    assigned = client.post(
        reverse("admin:devices_authenticator_assign", args=[app.authenticator_id]),
        {"username": "dora", "pin": "", "pin_again": ""},
        follow=True,
    )
    assert NOT_ASSIGNED_BY_STAFF in assigned.content.decode()

    assert not Authenticator.objects.filter(serial="APP-0001").exists()
    assert not SecurityDevice.objects.filter(user=dora, authenticator__kind=Kind.AUTHENTICATOR_APP)
    # The import form names no kind to choose: it takes DSC+ seed files only.
    form = client.get(reverse("admin:devices_authenticator_import")).content.decode()
    assert "authenticator_app" not in form and "security_key" not in form


def test_F1_F3_support_reads_and_removes_but_never_adds(client, support_agent, dora, password):
    """Least privilege: the Support group lists keys and apps and may remove one; it
    holds no permission that adds, stocks or assigns a device."""
    key, _ = security_key_give(dora)
    full_login(client, support_agent.username, password)

    assert support_agent.has_perm("devices.view_selfregistereddevice")
    assert support_agent.has_perm("devices.remove_device")
    for codename in ("add_authenticator", "change_authenticator", "add_securitydevice"):
        assert not support_agent.has_perm(f"devices.{codename}")
    assert client.get(reverse("admin:devices_authenticator_import")).status_code == 403
    url = reverse("admin:devices_authenticator_assign", args=[key.authenticator_id])
    assert client.get(url).status_code == 403
    listing = client.get(reverse(SELF_REGISTERED_LIST)).content.decode()
    assert "Remove selected security keys and authenticator apps" in listing
    assert "Record selected devices as returned" not in listing


def test_F1_staff_without_the_view_permission_do_not_see_the_list(client, dora, password):
    security_key_give(dora)
    clerk = StaffFactory(username="clerk")
    clerk.user_permissions.add(Permission.objects.get(codename="view_authenticator"))
    full_login(client, clerk.username, password)

    assert client.get(reverse(SELF_REGISTERED_LIST)).status_code == 403
    listing = client.get(reverse("admin:devices_authenticator_changelist")).content.decode()
    assert "Remove selected security keys" not in listing
