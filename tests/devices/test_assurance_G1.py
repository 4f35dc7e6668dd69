"""The assurance table (SPEC G1): every action has a row, the docs say the same, and each
row admits exactly the devices its words promise: read from the table, so a new action is
covered the day it is added."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from devices.assurance import ASSURANCE, Action, Answerers, WithoutPermanent
from devices.models import Authenticator
from devices.temporary.policy import Channel
from tests.devices.conftest import make_holder
from tests.devices.temporary.helpers import device_of, passcode_give
from tests.factories import UserFactory, give_device

pytestmark = pytest.mark.django_db

START = "2026-11-16 15:00Z"
DOCS = Path(settings.BASE_DIR) / "docs" / "security.md"


def admitted(action: Action, authenticator: Authenticator, channel=Channel.PORTAL) -> bool:
    return ASSURANCE[action].admits(authenticator, channel=channel, at=timezone.now()).allowed


def test_G1_every_action_has_one_row():
    assert set(ASSURANCE) == set(Action)


@pytest.mark.parametrize("action", list(Action))
def test_G1_docs_show_the_row_the_code_applies(action):
    requirement = ASSURANCE[action]
    row = (
        f"| `{action.value}` | {requirement.answerers.value} | "
        f"{requirement.without_permanent.value} | {requirement.threat} |"
    )
    assert row in DOCS.read_text()


@pytest.fixture
def devices(support_agent):
    """An active DSC+ and SCC, a lost DSC, a shipped DSC+, and a passcode of this morning."""
    user = make_holder("dsc_plus")
    active = device_of(user, "dsc_plus").authenticator
    give_device(user, "scc")
    lost = give_device(user, "dsc")
    Authenticator.objects.filter(pk=lost.authenticator_id).update(state=Authenticator.State.LOST)
    shipped = give_device(user, "dsc_plus")
    Authenticator.objects.filter(pk=shipped.authenticator_id).update(
        state=Authenticator.State.SHIPPED
    )
    passcode_give(user, support_agent, reason="unavailable")
    return {
        kind: device_of(user, kind).authenticator for kind in ("scc", "dsc", "temporary_passcode")
    } | {
        "dsc_plus": active,
        "shipped": Authenticator.objects.get(pk=shipped.authenticator_id),
    }


@pytest.mark.parametrize("action", list(Action))
def test_G1_each_row_admits_what_it_says(devices, action):
    answerers = ASSURANCE[action].answerers
    active_card, paper, lost, passcode, shipped = (
        devices["dsc_plus"],
        devices["scc"],
        devices["dsc"],
        devices["temporary_passcode"],
        devices["shipped"],
    )

    assert admitted(action, passcode) == (answerers == Answerers.ANY)
    assert admitted(action, lost) == (answerers == Answerers.REACTIVATABLE)
    assert admitted(action, shipped) == (answerers == Answerers.SHIPPED_CARD)
    assert admitted(action, active_card) == (
        answerers
        in (Answerers.ANY, Answerers.PERMANENT, Answerers.PIN_CARD, Answerers.REACTIVATABLE)
    )
    assert admitted(action, paper) == (
        answerers in (Answerers.ANY, Answerers.PERMANENT, Answerers.REACTIVATABLE)
    )


@pytest.mark.parametrize("action", list(Action))
def test_G5_T2_an_expired_passcode_is_admitted_by_no_row(support_agent, action):
    user = UserFactory(device=False)
    with time_machine.travel(START, tick=False) as traveller:
        passcode_give(user, support_agent, reason="lost")
        passcode = device_of(user, "temporary_passcode").authenticator
        traveller.shift(timedelta(days=3))
        card_days = admitted(action, passcode)
        trading_card_days = admitted(action, passcode, Channel.TRADING)
        traveller.shift(timedelta(days=10))
        expired = admitted(action, passcode)

    assert card_days == (action == Action.LOGIN_PORTAL)
    assert not trading_card_days
    assert not expired


@pytest.mark.parametrize("action", list(Action))
def test_G1_temporary_only_users_have_a_stated_way(action):
    """Rows that a temporary device cannot answer say what happens instead."""
    requirement = ASSURANCE[action]
    if requirement.answerers == Answerers.ANY:
        assert requirement.without_permanent in (
            WithoutPermanent.WITHIN_WINDOW,
            WithoutPermanent.HELD_TO_NONE,
        )
    else:
        assert requirement.without_permanent not in (
            WithoutPermanent.WITHIN_WINDOW,
            WithoutPermanent.HELD_TO_NONE,
        )
