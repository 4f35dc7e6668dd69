"""T5 in the portal: the wizard's steps, what it refuses, and replays that create nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.dates import day_text
from accounts.models import (
    AuditEvent,
    AuditEventType,
    Client,
    LoginFailure,
    SecurityTeamRequest,
)
from devices.models import Authenticator
from orders.models import DeviceOrder
from orders.views import WIZARD_KEY
from tests.accounts.sls_helpers import fresh_factor_fields
from tests.factories import DEFAULT_PASSWORD, AccountFactory, UserFactory
from tests.login_helpers import full_login
from tests.orders.helpers import NEW_PIN, stock_card

pytestmark = pytest.mark.django_db

PARIS = {
    "address_line": "5 Rue de Rivoli",
    "city": "Paris",
    "postal_code": "75001",
    "country": "FR",
}


def url(name: str) -> str:
    return reverse(f"dsc_plus:{name}")


def failures(user, step: str) -> int:
    """Failed answers counted towards the L3 lockout for `step`."""
    counted = LoginFailure.objects.filter(user=user).count()
    audited = AuditEvent.objects.filter(
        subject=user, event_type=AuditEventType.LOGIN_FAILED, detail__step=step
    ).count()
    assert counted == audited
    return counted


def place_at_summary(portal, *, right: bool = True, **extra):
    """Open the summary (a new challenge) and Continue with the device's answer."""
    page = portal.get(url("summary"))
    return portal.post(url("summary"), fresh_factor_fields(page, right=right), **extra)


def through_pin_step(portal, account_id) -> None:
    assert portal.post(url("address")).status_code == 302
    response = portal.post(
        url("pin"), {"pin": NEW_PIN, "pin_again": NEW_PIN, "hold_account": account_id}
    )
    assert response.status_code == 302 and response["Location"] == url("summary")


def test_T5_sls_page_offers_the_request(portal):
    page = portal.get(reverse("accounts:secure_login"))
    assert url("start") in page.content.decode()
    assert "Request Physical Device" in page.content.decode()


def test_T5_wizard_through_confirmation(portal, rich_user, card):
    start = portal.get(url("start"))
    assert start.context["eligibility"].allowed
    address = portal.get(url("address"))
    assert "1 Main Street" in address.content.decode()
    through_pin_step(portal, rich_user.account_id)
    summary = portal.get(url("summary"))
    body = summary.content.decode()
    assert rich_user.account.number in body and NEW_PIN not in body
    assert url("pin") in body  # Back
    assert summary.context["fresh_factor"]["device"].authenticator.kind == "scc"
    placed = place_at_summary(portal)
    assert placed["Location"] == url("confirmation")
    confirmation = portal.get(url("confirmation"))
    order = DeviceOrder.objects.get()
    assert confirmation.context["order"] == order
    assert day_text(order.shipped_at) in confirmation.content.decode()
    assert WIZARD_KEY not in portal.session


def test_T5_back_from_the_summary_keeps_the_choices(portal, rich_user, card):
    through_pin_step(portal, rich_user.account_id)
    back = portal.get(url("pin"))
    assert back.status_code == 200
    assert back.context["form"].initial["hold_account"] == rich_user.account_id


def test_T5_second_submission_creates_nothing(portal, rich_user, card):
    stock_card()
    through_pin_step(portal, rich_user.account_id)
    answered = fresh_factor_fields(portal.get(url("summary")))
    portal.post(url("summary"), answered)
    replay = portal.post(url("summary"), answered, follow=True)
    assert replay.status_code == 200
    assert "already submitted" in replay.content.decode()
    assert DeviceOrder.objects.count() == 1
    assert Authenticator.objects.filter(kind="dsc_plus", state="in_stock").count() == 1


def test_T5_back_button_after_confirmation_shows_the_open_order(portal, rich_user, card):
    through_pin_step(portal, rich_user.account_id)
    place_at_summary(portal)
    for step in ("summary", "pin", "address"):
        page = portal.get(url(step), follow=True)
        assert page.status_code == 200
        assert "is on its way" in page.content.decode()
    assert DeviceOrder.objects.count() == 1


def test_T5_same_session_submitted_twice_at_once_is_a_clear_message(portal, rich_user, card):
    """Two tabs that both reached the summary: the second submission meets the open order."""
    stock_card()
    through_pin_step(portal, rich_user.account_id)
    saved = dict(portal.session[WIZARD_KEY])
    place_at_summary(portal)
    session = portal.session
    session[WIZARD_KEY] = saved
    session.save()
    second = place_at_summary(portal, follow=True)
    assert "already submitted" in second.content.decode()
    assert DeviceOrder.objects.count() == 1


@pytest.mark.parametrize(
    ("pin", "again"),
    [("123", "123"), ("12345", "12345"), ("12a4", "12a4"), ("1234", "4321"), ("", "")],
)
def test_T5_bad_pin_is_refused(portal, rich_user, pin, again):
    portal.post(url("address"))
    page = portal.post(
        url("pin"), {"pin": pin, "pin_again": again, "hold_account": rich_user.account_id}
    )
    assert page.status_code == 200 and page.context["form"].errors
    assert "pin" not in portal.session[WIZARD_KEY]


@pytest.mark.parametrize("account_id", ["stranger", "999999", "abc", "-1", "1" * 40])
def test_T5_another_users_account_id_is_refused(portal, account_id):
    stranger = AccountFactory()
    value = stranger.pk if account_id == "stranger" else account_id
    portal.post(url("address"))
    page = portal.post(url("pin"), {"pin": NEW_PIN, "pin_again": NEW_PIN, "hold_account": value})
    assert page.status_code == 200
    assert "Choose one of your own accounts." in page.context["form"].errors["hold_account"]


def test_T5_summary_without_the_earlier_steps_goes_back_to_the_start(portal, card):
    assert portal.post(url("summary"))["Location"] == url("start")
    assert not DeviceOrder.objects.exists()


def test_T5_no_card_in_stock_is_a_clear_message(portal, rich_user):
    through_pin_step(portal, rich_user.account_id)
    page = place_at_summary(portal)
    assert page.status_code == 200
    assert "No Digital Security Card+ is in stock" in page.content.decode()
    assert not DeviceOrder.objects.exists()
    assert WIZARD_KEY in portal.session


def test_G4_T5_summary_without_a_fresh_answer_orders_nothing(portal, rich_user, card):
    through_pin_step(portal, rich_user.account_id)
    bare = portal.post(url("summary"))
    wrong = place_at_summary(portal, right=False)
    assert bare.status_code == wrong.status_code == 200
    assert wrong.context["fresh_factor"]["failed"]
    assert not DeviceOrder.objects.exists()
    card.refresh_from_db()
    assert card.state == Authenticator.State.IN_STOCK
    assert failures(rich_user, "order_replacement") == 2
    assert WIZARD_KEY in portal.session
    assert place_at_summary(portal)["Location"] == url("confirmation")


def test_G4_T5_summary_ships_to_the_address_of_record_as_it_is_when_placed(portal, rich_user, card):
    through_pin_step(portal, rich_user.account_id)
    Client.objects.filter(pk=rich_user.client_id).update(
        address_line="5 Rue de Rivoli", city="Paris", postal_code="75001", address_country="FR"
    )
    page = portal.get(url("summary"))
    assert "5 Rue de Rivoli" in page.content.decode()
    place_at_summary(portal)
    order = DeviceOrder.objects.get()
    assert (order.address_line, order.address_country) == ("5 Rue de Rivoli", "FR")


def test_G4_T5_a_forged_address_in_the_wizard_session_is_ignored(portal, rich_user, card):
    through_pin_step(portal, rich_user.account_id)
    session = portal.session
    session[WIZARD_KEY] = {
        **session[WIZARD_KEY],
        "address": {"address_line": "1 Thief Road", "city": "Elsewhere", "postal_code": "99999"},
    }
    session.save()
    place_at_summary(portal)
    assert DeviceOrder.objects.get().address_line == "1 Main Street"


def test_G4_T5_change_address_with_a_fresh_answer_is_applied_audited_and_mailed(
    portal, rich_user, mailoutbox, django_capture_on_commit_callbacks
):
    page = portal.get(url("address_change"))
    assert page.context["fresh_factor"]["device"].authenticator.kind == "scc"
    with django_capture_on_commit_callbacks(execute=True):
        done = portal.post(url("address_change"), {**PARIS, **fresh_factor_fields(page)})
    assert done["Location"] == url("address")
    rich_user.client.refresh_from_db()
    assert (rich_user.client.city, rich_user.client.address_country.code) == ("Paris", "FR")
    event = AuditEvent.objects.get(event_type=AuditEventType.ADDRESS_CHANGED)
    assert event.detail == {"from_country": "US", "to_country": "FR"}
    assert event.actor == rich_user
    (mail,) = mailoutbox
    assert "address of record" in mail.subject and "5 R***, 75*** Paris, FR" in mail.body
    assert not SecurityTeamRequest.objects.exists()


@pytest.mark.parametrize("right", [False, None])
def test_G4_T5_change_address_without_a_right_fresh_answer_changes_nothing(
    portal, rich_user, right, mailoutbox, django_capture_on_commit_callbacks
):
    page = portal.get(url("address_change"))
    answer = {} if right is None else fresh_factor_fields(page, right=False)
    with django_capture_on_commit_callbacks(execute=True):
        refused = portal.post(url("address_change"), {**PARIS, **answer})
    assert refused.status_code == 200 and refused.context["fresh_factor"]["failed"]
    rich_user.client.refresh_from_db()
    assert rich_user.client.city == "Springfield"
    assert not AuditEvent.objects.filter(event_type=AuditEventType.ADDRESS_CHANGED).exists()
    assert not SecurityTeamRequest.objects.exists() and not mailoutbox
    assert failures(rich_user, "change_address") == 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"address_line": "x", "city": "Paris", "postal_code": "75001", "country": "FR"},
        {"address_line": "5 Rue", "city": "Paris", "postal_code": "75001", "country": "XX"},
        {"address_line": "5 Rue", "city": "Paris", "postal_code": "75001", "country": "FR'--"},
        {"address_line": "A" * 201, "city": "Paris", "postal_code": "75001", "country": "FR"},
        {"address_line": "5 Rue", "city": "!!!", "postal_code": "75001", "country": "FR"},
        {"address_line": "5 Rue", "city": "Paris", "postal_code": "<script>", "country": "FR"},
        {"address_line": "1 Main", "city": "Springfield", "postal_code": "ABCDE", "country": "US"},
        {"address_line": ["a", "b"], "city": "P" * 5000, "postal_code": "", "country": ""},
    ],
)
def test_T5_garbage_address_is_refused(portal, rich_user, data):
    page = portal.post(url("address_change"), data)
    assert page.status_code == 200 and page.context["form"].errors
    rich_user.client.refresh_from_db()
    assert rich_user.client.city == "Springfield"
    assert not AuditEvent.objects.filter(event_type=AuditEventType.ADDRESS_CHANGED).exists()


def test_T5_incomplete_address_cannot_continue(client, db):
    user = UserFactory(device="scc", account__equity=Decimal("2000000.00"))
    full_login(client, user.username, DEFAULT_PASSWORD)
    page = client.post(url("address"), follow=True)
    assert "Change Address" in page.content.decode()
    assert WIZARD_KEY not in client.session


def test_T5_ineligible_user_sees_why(client, db):
    user = UserFactory(device="scc", account__equity=Decimal("999999.99"))
    full_login(client, user.username, DEFAULT_PASSWORD)
    page = client.get(url("start"))
    assert "USD 1,000,000" in page.content.decode()
    assert client.get(url("address"))["Location"] == url("start")
    assert client.post(url("address_change"), {})["Location"] == url("start")


def test_T5_wizard_needs_a_verified_login(client, rich_user):
    for step in ("start", "address", "pin", "summary", "confirmation", "pin_change"):
        response = client.get(url(step))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
