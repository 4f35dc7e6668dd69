"""O1 (KB2545): only the account's primary user changes its security settings; any other
user sees a notice naming the user who can, and a direct post changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.client_info import SYSTEM
from accounts.models import Account, AuditEvent, AuditEventType, BankInstruction
from accounts.selectors import can_change_security_settings, security_settings_editor
from devices.assurance import Action
from devices.services.fresh_factor import FreshFactor
from portal.services.sls import sls_opt_in, sls_opt_out
from tests.accounts.sls_helpers import logged_in, post_with_fresh_factor, second_user_of
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

GEAR = 'aria-label="Configure Secure Login Settings"'


@pytest.fixture
def alice():
    return UserFactory(username="alice")


@pytest.fixture
def bob(alice):
    return second_user_of(alice, username="bob")


def test_O1_selector_names_the_primary_user(alice, bob):
    assert security_settings_editor(bob) == alice
    assert security_settings_editor(alice) == alice
    assert can_change_security_settings(alice)
    assert not can_change_security_settings(bob)


def test_O1_staff_and_accounts_without_primary_user_have_no_editor(alice, bob):
    assert security_settings_editor(StaffFactory(device=False)) is None
    Account.objects.filter(pk=alice.account_id).update(primary_user=None)
    assert security_settings_editor(bob) is None
    assert not can_change_security_settings(alice)


def test_O1_non_primary_user_sees_notice_naming_the_primary_user(bob):
    page = logged_in(bob).get(reverse("accounts:secure_login"))

    html = page.content.decode()
    assert "Your user is not allowed to change the security settings" in html
    assert '<strong data-testid="settings-editor">alice</strong>' in html
    assert GEAR not in html


def test_O1_primary_user_sees_the_gear_and_no_notice(alice):
    html = logged_in(alice).get(reverse("accounts:secure_login")).content.decode()

    assert GEAR in html
    assert "not allowed to change" not in html


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("settings:sls_configure", {"choice": "not_required"}),
        ("settings:sls_opt_out", {"understood": "on", "device": 1, "response": "12345678"}),
    ],
)
def test_O1_non_primary_direct_post_is_refused_and_nothing_changes(bob, name, data):
    response = logged_in(bob).post(reverse(name), data)

    assert response.status_code == 403
    assert "alice" in response.content.decode()
    assert "Nothing was changed." in response.content.decode()
    assert not Account.objects.get(pk=bob.account_id).sls_opted_out
    refusal = AuditEvent.objects.get(event_type=AuditEventType.SETTINGS_REFUSED)
    assert refusal.subject == bob
    assert refusal.detail["primary_user"] == "alice"


def test_O1_non_primary_cannot_opt_an_opted_out_account_back_in(bob):
    Account.objects.filter(pk=bob.account_id).update(sls_opted_out=True)

    response = logged_in(bob).post(reverse("settings:sls_configure"), {"choice": "required"})

    assert response.status_code == 403
    assert Account.objects.get(pk=bob.account_id).sls_opted_out


def test_O1_non_primary_cannot_change_bank_instructions(bob):
    client = logged_in(bob)

    response = client.get(reverse("settings:bank_instructions"))

    assert response.status_code == 403
    assert not BankInstruction.objects.exists()


def test_O1_non_primary_refused_by_the_services_too(bob):
    proof = FreshFactor(
        action=Action.OPT_OUT, user_id=bob.pk, device_id=1, verified_at=timezone.now()
    )
    with pytest.raises(PermissionDenied):
        sls_opt_out(user=bob, fresh_factor=proof, client=SYSTEM)
    with pytest.raises(PermissionDenied):
        sls_opt_in(user=bob, client=SYSTEM)
    assert not AuditEvent.objects.filter(event_type__startswith="sls.opted").exists()


def test_O1_primary_user_posting_passes_the_check(alice):
    client = logged_in(alice)
    response = post_with_fresh_factor(client, reverse("settings:sls_opt_out"), {"understood": "on"})

    assert response.status_code == 302
    assert Account.objects.get(pk=alice.account_id).sls_opted_out


@pytest.mark.parametrize(
    "name",
    [
        "settings:sls_configure",
        "settings:sls_opt_out",
        "settings:sls_updated",
        "settings:bank_instructions",
        "settings:email",
        "settings:deposit",
    ],
)
def test_settings_pages_need_a_verified_login(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
