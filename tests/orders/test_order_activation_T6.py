"""T6/KB1132 §10: a delivered DSC+ can be activated before its three weeks are up by
answering its challenge with the PIN chosen at order."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, AuditEventType, LoginFailure
from devices.crypto import secret_decrypt
from devices.models import Authenticator
from devices.ocra import ocra_response
from devices.selectors import active_devices
from orders.models import DeviceOrder
from simulators.cards import card_respond
from tests.factories import DEFAULT_PIN
from tests.orders.helpers import NEW_PIN, place

pytestmark = pytest.mark.django_db

URL = reverse("dsc_plus:activate")


@pytest.fixture
def order(portal, rich_user, card) -> DeviceOrder:
    return place(rich_user)


def answer(portal, order, pin=NEW_PIN, response=None):
    page = portal.get(URL)
    challenge = page.context["challenge"]
    typed = response or card_respond(
        serial=order.authenticator.serial, challenge=challenge.value, pin=pin
    )
    return portal.post(URL, {"challenge": challenge.pk, "response": typed})


def test_T6_holder_activates_the_delivered_card_early(portal, rich_user, order):
    response = answer(portal, order)
    assert response["Location"] == reverse("accounts:secure_login")
    order.refresh_from_db()
    assert order.status == DeviceOrder.Status.ACTIVATED
    assert order.authenticator.state == Authenticator.State.ACTIVE
    assert order.authenticator in [d.authenticator for d in active_devices(rich_user)]
    assert AuditEvent.objects.filter(
        subject=rich_user, event_type=AuditEventType.DEVICE_REACTIVATED, detail__order=order.pk
    ).exists()


def test_T6_wrong_answer_activates_nothing_and_counts(portal, rich_user, order):
    page = answer(portal, order, response="00000000")
    assert page.status_code == 200 and "not right" in page.content.decode()
    order.refresh_from_db()
    assert order.status == DeviceOrder.Status.SHIPPED
    assert LoginFailure.objects.filter(user=rich_user).count() == 1


def test_T6_a_superseded_challenge_does_not_activate(portal, order):
    challenge = portal.get(URL).context["challenge"]
    stale_answer = card_respond(
        serial=order.authenticator.serial, challenge=challenge.value, pin=NEW_PIN
    )
    portal.get(URL)  # a new challenge: the earlier one no longer counts
    portal.post(URL, {"challenge": challenge.pk, "response": stale_answer})
    order.refresh_from_db()
    assert order.status == DeviceOrder.Status.SHIPPED


def test_T6_a_response_computed_with_another_pin_does_not_activate(portal, order):
    card = order.authenticator
    challenge = portal.get(URL).context["challenge"]
    wrong_pin_answer = ocra_response(
        suite=card.ocra_suite,
        key=secret_decrypt(card.secret),
        challenge=challenge.value,
        pin=DEFAULT_PIN,
    )
    portal.post(URL, {"challenge": challenge.pk, "response": wrong_pin_answer})
    order.refresh_from_db()
    assert order.status == DeviceOrder.Status.SHIPPED


def test_T6_nothing_to_activate_without_a_shipped_card(portal):
    assert portal.get(URL)["Location"] == reverse("dsc_plus:start")
