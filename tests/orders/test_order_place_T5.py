"""T5 (KB1943): who may order a DSC+, and what placing an order does to inventory, the
order table, the deposit and the audit trail."""

from __future__ import annotations

import datetime
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType
from accounts.services.addresses import Address
from devices.assurance import Action
from devices.crypto import secret_decrypt
from devices.models import Authenticator, SecurityDevice
from devices.temporary.services import device_report, online_card_issue, passcode_issue
from orders.models import DeviceOrder
from orders.selectors import ONLINE_CARD_FIRST, dsc_plus_eligibility
from orders.services.orders import (
    ADDRESS_INCOMPLETE,
    ALREADY_ORDERED,
    OUT_OF_STOCK,
    WRONG_ACCOUNT,
    device_order_place,
)
from tests.factories import DEFAULT_PASSWORD, AccountFactory, UserFactory
from tests.identification_helpers import caller_identified
from tests.login_helpers import full_login
from tests.orders.helpers import NEW_PIN, order_proof, place, rich_client_user, stock_card

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def test_T5_equity_above_one_million_is_eligible(rich_user):
    assert dsc_plus_eligibility(rich_user).allowed


def test_T5_equity_of_exactly_one_million_is_not(db):
    user = UserFactory(device="scc", account__equity=Decimal("1000000.00"))
    eligibility = dsc_plus_eligibility(user)
    assert not eligibility.allowed
    assert "USD 1,000,000" in eligibility.reason


def test_T5_replacing_a_lost_dsc_plus_is_eligible_whatever_the_equity(db, support_agent):
    user = UserFactory(account__equity=Decimal("5000.00"))
    lost = user.securitydevice_set.get().authenticator
    device_report(authenticator=lost, state="lost", agent=support_agent, client=SYSTEM)
    eligibility = dsc_plus_eligibility(user)
    assert eligibility.allowed
    assert eligibility.replaces == lost


def test_T5_an_active_dsc_plus_is_not_ordered_twice(db):
    user = UserFactory(account__equity=Decimal("5000000.00"))
    assert not dsc_plus_eligibility(user).allowed


@time_machine.travel(MONDAY, tick=False)
def test_T5_order_takes_a_card_from_stock_sets_its_pin_and_ships_it(rich_user, card):
    order = place(rich_user)
    card.refresh_from_db()
    assert order.authenticator == card
    assert card.state == Authenticator.State.SHIPPED
    assert secret_decrypt(card.pin).decode() == NEW_PIN
    assert order.status == DeviceOrder.Status.SHIPPED
    assert order.shipped_at == MONDAY
    assert order.estimated_delivery == datetime.date(2026, 3, 4)
    assert order.auto_activate_at == MONDAY + datetime.timedelta(days=21)
    assert order.hold == DeviceOrder.Hold.HELD and order.hold_amount == Decimal("20.00")
    assert order.hold_account == rich_user.account
    assert (order.address_country, order.postal_code) == ("US", "62701")
    shipped = SecurityDevice.objects.get(user=rich_user, authenticator=card)
    assert shipped not in rich_user.securitydevice_set.filter(authenticator__state="active")
    events = set(AuditEvent.objects.filter(subject=rich_user).values_list("event_type", flat=True))
    assert {AuditEventType.DEVICE_ORDERED, AuditEventType.DEVICE_SHIPPED} <= events


def test_T5_second_submission_creates_nothing(rich_user, card):
    stock_card()
    place(rich_user)
    with pytest.raises(ValidationError) as refused:
        place(rich_user)
    assert refused.value.messages == [ALREADY_ORDERED]
    assert DeviceOrder.objects.count() == 1
    assert Authenticator.objects.filter(state="in_stock", kind="dsc_plus").count() == 1


def test_T5_no_card_in_stock_changes_nothing(rich_user):
    events_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        place(rich_user)
    assert refused.value.messages == [OUT_OF_STOCK]
    assert not DeviceOrder.objects.exists()
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("pin", ["123", "12345", "12a4", "١٢٣٤", "", " 1234"])
def test_T5_pin_other_than_four_ascii_digits_is_refused(rich_user, card, pin):
    with pytest.raises(ValidationError):
        place(rich_user, pin=pin)
    card.refresh_from_db()
    assert card.state == Authenticator.State.IN_STOCK and not card.pin
    assert not DeviceOrder.objects.exists()


def test_T5_another_clients_account_cannot_hold_the_deposit(rich_user, card):
    stranger = AccountFactory()
    with pytest.raises(ValidationError) as refused:
        device_order_place(
            user=rich_user,
            pin=NEW_PIN,
            hold_account_id=stranger.pk,
            fresh_factor=order_proof(rich_user),
            client=SYSTEM,
        )
    assert refused.value.messages == [WRONG_ACCOUNT]
    assert not DeviceOrder.objects.exists()


def test_T5_deposit_may_sit_on_another_account_of_the_same_client(rich_user, card):
    second = UserFactory(client=rich_user.client, device="scc", primary=True)
    order = device_order_place(
        user=rich_user,
        pin=NEW_PIN,
        hold_account_id=second.account_id,
        fresh_factor=order_proof(rich_user),
        client=SYSTEM,
    )
    assert order.hold_account == second.account


def test_G4_T5_incomplete_address_of_record_is_refused(rich_user, card):
    with pytest.raises(ValidationError) as refused:
        place(rich_user, address=Address("1 Main Street", "", "62701", "US"))
    assert refused.value.messages == [ADDRESS_INCOMPLETE]
    assert not DeviceOrder.objects.exists()


def test_G4_T5_the_order_ships_to_the_address_of_record_read_at_placing(
    rich_user, card, mailoutbox, django_capture_on_commit_callbacks
):
    london = Address("10 Downing Street", "London", "SW1A 2AA", "GB")
    with django_capture_on_commit_callbacks(execute=True):
        order = place(rich_user, address=london)
    assert (order.address_line, order.city, order.postal_code, order.address_country) == (
        "10 Downing Street",
        "London",
        "SW1A 2AA",
        "GB",
    )
    event = AuditEvent.objects.get(event_type=AuditEventType.DEVICE_ORDERED)
    assert event.detail["country"] == "GB"
    (mail,) = mailoutbox
    assert mail.to == [rich_user.client.email]
    assert "replacement security device was ordered" in mail.subject
    assert "shipping to 10***, SW*** London, GB" in mail.body
    assert "Downing" not in mail.body and "SW1A 2AA" not in mail.body


def test_G4_T5_no_fresh_answer_no_order(
    rich_user, card, mailoutbox, django_capture_on_commit_callbacks
):
    proof = order_proof(rich_user)
    for refused_proof in (
        None,
        replace(proof, action=Action.CHANGE_ADDRESS),
        replace(proof, user_id=proof.user_id + 1000),
        replace(proof, verified_at=proof.verified_at - timedelta(minutes=6)),
    ):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
            device_order_place(
                user=rich_user,
                pin=NEW_PIN,
                hold_account_id=rich_user.account_id,
                fresh_factor=refused_proof,
                client=SYSTEM,
            )
    card.refresh_from_db()
    assert card.state == Authenticator.State.IN_STOCK
    assert not DeviceOrder.objects.exists() and not mailoutbox


def test_T5_ineligible_user_cannot_place_an_order(db, card):
    poor = rich_client_user(account__equity=Decimal("10.00"))
    with pytest.raises(ValidationError):
        place(poor)
    card.refresh_from_db()
    assert card.state == Authenticator.State.IN_STOCK


def test_T5_replacement_waits_for_the_online_card(db, support_agent):
    user = UserFactory(account__equity=Decimal("5000.00"))
    lost = user.securitydevice_set.get().authenticator
    device_report(authenticator=lost, state="lost", agent=support_agent, client=SYSTEM)
    passcode_issue(
        user=user,
        agent=support_agent,
        identification=caller_identified(user, support_agent),
        reason="lost",
        client=SYSTEM,
    )
    eligibility = dsc_plus_eligibility(user)
    assert not eligibility.allowed and eligibility.reason == ONLINE_CARD_FIRST
    online_card_issue(user=user, client=SYSTEM)
    assert dsc_plus_eligibility(user).replaces == lost


def test_T5_holder_of_a_missing_dsc_plus_on_the_online_card_may_replace_it(db, support_agent):
    user = UserFactory(account__equity=Decimal("5000.00"))
    missing = user.securitydevice_set.get().authenticator
    passcode_issue(
        user=user,
        agent=support_agent,
        identification=caller_identified(user, support_agent),
        reason="unavailable",
        client=SYSTEM,
    )
    online_card_issue(user=user, client=SYSTEM)
    assert dsc_plus_eligibility(user).replaces == missing


def test_T5_staff_see_no_dsc_plus_box(client, support_agent):
    full_login(client, support_agent.username, DEFAULT_PASSWORD)
    page = client.get(reverse("accounts:secure_login"))
    assert page.status_code == 200
    assert "Digital Security Card+" not in page.content.decode()
