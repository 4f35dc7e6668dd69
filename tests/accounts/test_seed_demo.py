"""`manage.py seed_demo` is idempotent and the demo logins it prints work."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Account, Client, User
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
