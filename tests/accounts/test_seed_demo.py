"""`manage.py seed_demo` is idempotent and the demo logins it prints work."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Account, Client, User
from devices.demo import DEMO_STOCK
from devices.models import Authenticator
from tests.login_helpers import full_login, is_logged_in

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_twice_creates_nothing_new(client):
    seed()
    counts = (User.objects.count(), Client.objects.count(), Account.objects.count())
    password_hashes = dict(User.objects.values_list("username", "password"))

    seed()

    assert (User.objects.count(), Client.objects.count(), Account.objects.count()) == counts
    assert dict(User.objects.values_list("username", "password")) == password_hashes


def test_seed_demo_prints_working_logins(client):
    output = seed()

    assert "alice-demo-pass" in output
    assert "agent-demo-pass" in output
    full_login(client, "alice", "alice-demo-pass")
    assert is_logged_in(client)


def test_seed_demo_agent_is_in_the_support_group():
    seed()

    agent = User.objects.get(username="agent")
    assert agent.is_staff and not agent.is_superuser
    assert agent.has_perm("accounts.lift_lockout")
    assert not agent.has_perm("accounts.change_user")


def test_every_demo_account_has_a_primary_user():
    seed()

    assert not Account.objects.filter(primary_user__isnull=True).exists()


def test_seed_demo_staff_get_only_their_own_desk():
    seed()

    security = User.objects.get(username="security")
    compliance = User.objects.get(username="compliance")
    assert security.has_perm("accounts.decide_securityteamrequest")
    assert not security.has_perm("devices.decide_deviceshare")
    assert compliance.has_perm("devices.decide_deviceshare")
    assert not compliance.has_perm("accounts.decide_securityteamrequest")
    assert not (security.is_superuser or compliance.is_superuser)


def test_T5_seed_demo_keeps_dsc_plus_cards_in_stock_for_the_wizard():
    seed()
    seed()

    stock = Authenticator.objects.filter(serial__in=DEMO_STOCK)
    assert stock.count() == len(DEMO_STOCK)
    assert set(stock.values_list("state", flat=True)) == {Authenticator.State.IN_STOCK}
