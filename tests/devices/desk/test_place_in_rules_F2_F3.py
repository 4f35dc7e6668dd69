"""Where the two self-registered kinds stand against the others. F2: a security key is a
permanent device of level 5, in the unlimited withdrawal row, and never shared. F3: an
authenticator app is level 1 and stands in the SMS row. The withdrawal tier is that of
the strongest active permanent device (W1), and a key that answers nothing (possibly
cloned, lost, removed) grants nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType
from devices.assurance import Action
from devices.flows.device_step import step_device_choose, step_devices
from devices.kinds import Kind, WithdrawalTier
from devices.models import DeviceShare
from devices.self_registered.services import device_remove
from devices.sharing.rules import OWN_CREDENTIAL, ShareRefused, share_refusal
from devices.sharing.services import share_request
from devices.temporary.services import device_report
from tests.devices.desk.helpers import (
    authenticator_app_give,
    key_flag_cloned,
    security_key_give,
)
from tests.factories import UserFactory, give_device
from tests.login_helpers import full_login
from withdrawals.limits import LIMITS
from withdrawals.selectors import NO_PERMANENT_DEVICE, withdrawal_tier_for

pytestmark = pytest.mark.django_db


def tier(user) -> WithdrawalTier:
    return withdrawal_tier_for(user, user.account).tier


def test_F2_W1_a_security_key_grants_the_unlimited_row():
    user = UserFactory(device=False)
    key, _ = security_key_give(user)

    choice = withdrawal_tier_for(user, user.account)

    assert choice.tier == WithdrawalTier.UNLIMITED
    assert choice.reason == f"Security key or passkey, serial {key.authenticator.serial}"
    assert (choice.limits.per_day, choice.limits.per_five_days) == (None, None)


def test_F3_W1_an_authenticator_app_grants_the_sms_row():
    user = UserFactory(device=False)
    app, _ = authenticator_app_give(user)

    choice = withdrawal_tier_for(user, user.account)

    assert choice.tier == WithdrawalTier.SMS
    assert choice.reason == f"Authenticator app, serial {app.authenticator.serial}"
    assert choice.limits == LIMITS[WithdrawalTier.SMS]
    assert (choice.limits.per_day, choice.limits.per_five_days) == (
        Decimal("200000.00"),
        Decimal("600000.00"),
    )


def test_F2_F3_W1_the_strongest_usable_permanent_device_decides(support_agent):
    """Key and app: the key's row. The key reported lost, removed, or flagged as possibly
    cloned (active, but answering nothing): the app's row."""
    cases = {}
    for ending in ("none", "lost", "removed", "cloned"):
        user = UserFactory(device=False)
        key, software = security_key_give(user)
        authenticator_app_give(user)
        if ending == "lost":
            device_report(
                authenticator=key.authenticator, state="lost", agent=support_agent, client=SYSTEM
            )
        elif ending == "removed":
            device_remove(authenticator=key.authenticator, agent=support_agent, client=SYSTEM)
        elif ending == "cloned":
            key_flag_cloned(user, key, software)
            assert key.authenticator.state == "active"
        cases[ending] = tier(user)

    assert cases == {
        "none": WithdrawalTier.UNLIMITED,
        "lost": WithdrawalTier.SMS,
        "removed": WithdrawalTier.SMS,
        "cloned": WithdrawalTier.SMS,
    }


def test_F2_W1_without_any_other_device_a_lost_key_leaves_the_none_row(support_agent):
    user = UserFactory(device=False)
    key, _ = security_key_give(user)
    device_report(authenticator=key.authenticator, state="lost", agent=support_agent, client=SYSTEM)

    choice = withdrawal_tier_for(user, user.account)

    assert (choice.tier, choice.reason) == (WithdrawalTier.NONE, NO_PERMANENT_DEVICE)


def test_F2_a_security_key_is_never_shared():
    """Not even between two users of one person, who may share a DSC+ (H1): each
    registers a credential of their own. The refusal is audited and nothing is created."""
    owner = UserFactory(device=False)
    key, _ = security_key_give(owner)
    requester = UserFactory(client=owner.client, account=owner.account, device="scc")
    assert not key.authenticator.kind_behaviour.shareable

    refusal = share_refusal(
        requester=requester, owner=owner, authenticator=key.authenticator, at=key.created_at
    )
    with pytest.raises(ShareRefused) as refused:
        share_request(
            requester=requester, owner=owner, authenticator=key.authenticator, client=SYSTEM
        )

    assert refusal is not None and (refusal.code, refusal.message) == (
        "own_credential",
        OWN_CREDENTIAL,
    )
    assert refused.value.refusal == refusal
    assert not DeviceShare.objects.exists()
    event = AuditEvent.objects.get(event_type=AuditEventType.SHARE_REFUSED)
    assert event.detail["reason"] == "own_credential"
    # The same owner's DSC+ may be shared with that requester: the key alone is refused.
    card = give_device(owner, Kind.DSC_PLUS).authenticator
    assert (
        share_refusal(requester=requester, owner=owner, authenticator=card, at=key.created_at)
        is None
    )


def test_F3_an_authenticator_app_is_never_shared():
    owner = UserFactory(device=False)
    app, _ = authenticator_app_give(owner)
    requester = UserFactory(client=owner.client, account=owner.account, device=False)

    refusal = share_refusal(
        requester=requester, owner=owner, authenticator=app.authenticator, at=app.created_at
    )

    assert refusal is not None and refusal.code == "own_credential"


def test_F2_F3_L4_M2FS_orders_them_by_level_key_first_app_beside_sms():
    """The key stands with the DSC+ at level 5 (the earlier device first among equals);
    the app at level 1, beside SMS, after the Security Code Card (level 2)."""
    user = UserFactory(device=False)
    scc = give_device(user, Kind.SCC)
    sms = give_device(user, Kind.SMS)
    app, _ = authenticator_app_give(user)
    key, _ = security_key_give(user)
    dsc_plus = give_device(user, Kind.DSC_PLUS)

    devices = step_devices(user, Action.LOGIN_PORTAL)

    assert devices == [key, dsc_plus, scc, sms, app]
    assert step_device_choose(devices, None) == key  # L4: the strongest is preselected
    assert [d.authenticator.kind_behaviour.level for d in devices] == [5, 5, 2, 1, 1]
    # Both may approve what needs a permanent device; neither is a temporary one.
    assert {key, app} <= set(step_devices(user, Action.CHANGE_BANK_INSTRUCTIONS))


def test_F1_F3_the_settings_page_names_each_key_and_app_as_its_user_chose(client, password):
    holder = UserFactory(username="nina")
    security_key_give(holder, name="Blue key")
    authenticator_app_give(holder, name="Work phone")
    full_login(client, holder.username, password)

    page = client.get(reverse("accounts:secure_login")).content.decode()

    assert "<td>Security key or passkey: Blue key</td>" in page
    assert "<td>Authenticator app: Work phone</td>" in page
