"""T2 and T3 on the Client Portal, walking the clock: the temporary passcode gives full
access for 2 days, then 10 days of the online card page only, then nothing; the online
card gives full access for 21 days. Typed wrong (D3) the passcode is "Login failed" and
counts (L3); refused by its window it is not counted. Every request re-checks the scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from PIL import Image

from accounts.dates import moment_text
from accounts.models import AuditEvent, AuditEventType, LoginFailure
from devices.temporary.online_card_image import online_card_image_size
from devices.temporary.policy import (
    ONLINE_CARD_EXPIRED,
    PASSCODE_CARD_ONLY,
    PASSCODE_EXPIRED,
)
from devices.temporary.services import online_card_grid
from tests.devices.temporary.helpers import (
    SECOND,
    START,
    device_of,
    login_with,
    messages_of,
    passcode_give,
)
from tests.factories import give_device
from tests.login_helpers import device_page, full_login, is_logged_in, post_login

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
DASHBOARD = reverse("accounts:dashboard")
ONLINE_CARD = reverse("devices:online_card")


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def code(clock, user, support_agent) -> str:
    return passcode_give(user, support_agent)


def passcode_login(client, user, password, code):
    return login_with(client, user, password, "temporary_passcode", code)


def card_made(client, user, password, code) -> None:
    """Log in with the passcode, open the card page (which makes the card), log out."""
    passcode_login(client, user, password, code)
    assert client.get(ONLINE_CARD).status_code == 200
    client.post(reverse("accounts:logout"))


@pytest.mark.parametrize("typed", ["lower", "spaced"])
def test_D3_L3_passcode_typed_wrong_is_login_failed_and_counts(client, user, password, code, typed):
    response_typed = code.lower() if typed == "lower" else f"{code[:5]} {code[5:]}"

    page = passcode_login(client, user, password, response_typed)

    assert page.status_code == 200
    assert page.context["failed"] is True
    assert "Login failed" in page.content.decode()
    assert LoginFailure.objects.filter(user=user).count() == 1
    assert not is_logged_in(client)


def test_T2_passcode_full_access_just_before_two_days(client, clock, user, password, code):
    clock.shift(2 * DAY - SECOND)

    response = passcode_login(client, user, password, code)

    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    page = client.get(DASHBOARD)
    assert page.status_code == 200
    assert f'href="{ONLINE_CARD}"' in page.content.decode()


def test_T2_passcode_portal_only_after_two_days(client, clock, user, password, code):
    clock.shift(2 * DAY + SECOND)

    response = passcode_login(client, user, password, code)

    assert response["Location"] == ONLINE_CARD
    page = client.get(DASHBOARD, follow=True)
    assert page.redirect_chain == [(ONLINE_CARD, 302)]
    assert PASSCODE_CARD_ONLY in messages_of(page)
    for name in ("accounts:secure_login", "devices:device_reactivate"):
        assert client.get(reverse(name))["Location"] == ONLINE_CARD
    assert client.get(reverse("devices:online_card_png")).status_code == 200


def test_T2_passcode_card_only_just_before_twelve_days(client, clock, user, password, code):
    clock.shift(12 * DAY - SECOND)

    assert passcode_login(client, user, password, code)["Location"] == ONLINE_CARD
    assert client.get(ONLINE_CARD).status_code == 200


def test_T2_passcode_refused_after_twelve_days_without_counting(
    client, clock, user, password, code
):
    clock.shift(12 * DAY + SECOND)

    response = passcode_login(client, user, password, code)

    assert response["Location"] == reverse("accounts:login")
    assert PASSCODE_EXPIRED in messages_of(client.get(response["Location"]))
    assert not is_logged_in(client)
    refused = AuditEvent.objects.get(event_type=AuditEventType.ACCESS_REFUSED)
    assert refused.detail["step"] == "login_portal"
    assert refused.detail["kind"] == "temporary_passcode"
    assert not LoginFailure.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(event_type=AuditEventType.LOGIN_SUCCEEDED).exists()


def test_T2_session_opened_before_two_days_narrows_past_them(client, clock, user, password, code):
    clock.move_to(START + 2 * DAY - dt.timedelta(minutes=1))
    passcode_login(client, user, password, code)
    assert client.get(DASHBOARD).status_code == 200

    clock.move_to(START + 2 * DAY + dt.timedelta(minutes=1))

    assert client.get(DASHBOARD)["Location"] == ONLINE_CARD
    assert client.get(ONLINE_CARD).status_code == 200


def test_T2_session_ends_after_twelve_days(client, clock, user, password, code):
    clock.move_to(START + 12 * DAY - dt.timedelta(minutes=1))
    passcode_login(client, user, password, code)

    clock.move_to(START + 12 * DAY + dt.timedelta(minutes=1))
    response = client.get(ONLINE_CARD, follow=True)

    assert response.redirect_chain[0] == (reverse("accounts:login"), 302)
    assert PASSCODE_EXPIRED in messages_of(response)
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.filter(event_type=AuditEventType.ACCESS_REFUSED).get()
    assert event.detail["step"] == "session"


def test_T2_scope_check_costs_the_same_queries_for_every_session(
    client, clock, user, password, code
):
    def dashboard_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DASHBOARD).status_code == 200
        return len(queries)

    passcode_login(client, user, password, code)
    client.get(DASHBOARD)
    with_passcode = dashboard_queries()
    for _ in range(5):
        give_device(user, "scc")
    assert dashboard_queries() == with_passcode
    client.post(reverse("accounts:logout"))
    full_login(client, user.username, password)
    assert client.session[DEVICE_ID_SESSION_KEY].endswith(f"/{device_of(user, 'dsc_plus').pk}")
    client.get(DASHBOARD)
    assert dashboard_queries() == with_passcode


def test_T3_card_page_shows_every_cell_serial_and_validity(client, clock, user, password, code):
    passcode_login(client, user, password, code)

    page = client.get(ONLINE_CARD)

    card = device_of(user, "online_card")
    html = page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")
    assert card.authenticator.serial in html
    assert moment_text(START + 21 * DAY) in html
    grid = online_card_grid(card.authenticator)
    assert len(grid) == 100
    for index, cell in grid.items():
        assert f'data-index="{index}">{cell}</span>' in html
    assert client.get(ONLINE_CARD).context["card"].pk == card.authenticator.pk
    assert AuditEvent.objects.filter(event_type=AuditEventType.ONLINE_CARD_ISSUED).count() == 1


def test_T3_card_png_is_a_real_image_never_cached(client, clock, user, password, code):
    passcode_login(client, user, password, code)

    response = client.get(reverse("devices:online_card_png"))

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith('attachment; filename="online-security-')
    assert "no-store" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    image.verify()
    assert image.format == "PNG"
    assert image.size == online_card_image_size(100)


def test_T3_card_login_asks_index_numbers_and_gives_full_access(
    client, clock, user, password, code
):
    card_made(client, user, password, code)
    post_login(client, user.username, password)

    page = device_page(client, device_of(user, "online_card"))

    assert "Index numbers" in page.content.decode()
    first, second = page.context["challenge"].value.split(",")
    assert first != second
    clock.shift(15 * DAY)
    assert login_with(client, user, password, "online_card")["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.parametrize(
    ("offset", "logged_in"), [(21 * DAY - SECOND, True), (21 * DAY + SECOND, False)]
)
def test_T3_card_full_access_for_21_days(client, clock, user, password, code, offset, logged_in):
    clock.shift(DAY)
    card_made(client, user, password, code)

    clock.shift(offset)
    response = login_with(client, user, password, "online_card")

    assert is_logged_in(client) is logged_in
    if not logged_in:
        assert ONLINE_CARD_EXPIRED in messages_of(client.get(response["Location"]))


def test_T3_card_session_ends_after_21_days(client, clock, user, password, code):
    card_made(client, user, password, code)
    clock.move_to(START + 21 * DAY - dt.timedelta(minutes=1))
    login_with(client, user, password, "online_card")
    assert client.get(DASHBOARD).status_code == 200

    clock.move_to(START + 21 * DAY + dt.timedelta(minutes=1))
    response = client.get(DASHBOARD, follow=True)

    assert ONLINE_CARD_EXPIRED in messages_of(response)
    assert not is_logged_in(client)


def test_T3_wrong_card_codes_are_login_failed_and_count(client, clock, user, password, code):
    card_made(client, user, password, code)

    page = login_with(client, user, password, "online_card", "000000")

    assert page.context["failed"] is True
    assert LoginFailure.objects.filter(user=user).count() == 1


def test_T2_T3_new_passcode_after_expired_card_gives_new_card(
    client, clock, user, password, code, support_agent
):
    """Day 0: passcode, online card. Day 25: the card has expired; support issues a new
    passcode; logging in with it and opening the card page gives a new card, which opens
    the portal and lasts its own 21 days; the old card stays ended."""
    passcode_login(client, user, password, code)
    client.get(ONLINE_CARD)
    old_card = device_of(user, "online_card").authenticator
    client.post(reverse("accounts:logout"))
    clock.shift(25 * DAY)
    refused = login_with(client, user, password, "online_card")
    assert ONLINE_CARD_EXPIRED in messages_of(client.get(refused.url))
    assert not is_logged_in(client)

    new_code = passcode_give(user, support_agent)
    assert passcode_login(client, user, password, new_code).status_code == 302
    page = client.get(ONLINE_CARD)

    assert page.status_code == 200
    new_card = device_of(user, "online_card").authenticator
    assert new_card.pk != old_card.pk
    assert page.context["card"] == new_card
    old_card.refresh_from_db()
    assert old_card.state == "revoked"
    ended = AuditEvent.objects.get(event_type=AuditEventType.ONLINE_CARD_ENDED)
    assert (ended.subject, ended.actor, ended.detail["serial"]) == (
        user,
        support_agent,
        old_card.serial,
    )
    client.post(reverse("accounts:logout"))

    # The new card's codes log in, for 21 days from its own activation.
    clock.shift(20 * DAY)
    assert login_with(client, user, password, "online_card").status_code == 302
    assert is_logged_in(client)
    client.post(reverse("accounts:logout"))
    clock.shift(DAY + SECOND)
    login_with(client, user, password, "online_card")
    assert not is_logged_in(client)


def test_T3_expired_card_ended_when_the_new_card_is_retrieved(
    client, clock, user, password, code, support_agent
):
    """An expired card still marked active (say from before this rule) is ended when the
    holder of a valid passcode opens the card page, not shown again."""
    passcode_login(client, user, password, code)
    client.get(ONLINE_CARD)
    old_card = device_of(user, "online_card").authenticator
    client.post(reverse("accounts:logout"))
    clock.shift(25 * DAY)
    new_code = passcode_give(user, support_agent)
    old_card.refresh_from_db()
    type(old_card).objects.filter(pk=old_card.pk).update(state="active")

    passcode_login(client, user, password, new_code)
    page = client.get(ONLINE_CARD)

    assert page.context["card"].pk != old_card.pk
    old_card.refresh_from_db()
    assert old_card.state == "revoked"
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.ONLINE_CARD_ENDED, actor=user
    ).exists()
