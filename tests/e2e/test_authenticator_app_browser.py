"""Authenticator apps in real Chromium (SPEC section 11, F3 F4): a card holder adds an app
from the Secure Login System page (G2's fresh answer, the QR code and its key, the first
code), then logs in with it; a withdrawal it approves stands at the SMS row (W1); lost, it
is reported by support at the desk, whose temporary passcode lets the client in but cannot
add another app (G2, T1), until the app, found again, is reactivated with its own code (T4).

The phone's app is pyotp, fed the key read off the page as a person types it in. The
portal takes one step of clock drift either side (devices/conf.py TOTP_DRIFT_STEPS), so a
second code is the one the app shows at the next 30-second step: it is never the step just
spent, and no test waits for the clock."""

from __future__ import annotations

import base64
import re
import time
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.client_info import SYSTEM
from accounts.models import AuditEventType, User
from devices import conf
from devices.kinds import Kind
from devices.models import Authenticator, SecurityDevice
from devices.temporary.services import device_report
from tests.devices.authenticator_app.helpers import STEP, wrong_code
from tests.devices.conftest import make_holder
from tests.devices.desk.helpers import authenticator_app_give
from tests.e2e.helpers import (
    card_of,
    challenge_of,
    desk_log_in,
    desk_passcode_issue,
    desk_report_lost,
    device_step,
    expect_welcome,
    log_in,
    log_out,
    printed_codes,
    serial_of,
)
from tests.factories import DEFAULT_PASSWORD, UserFactory
from withdrawals.models import Withdrawal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE_LABEL = "Code from your authenticator app"
DESTINATION = "GB82 WEST 1234 5698 7654 32"


def next_step_code(secret: str) -> str:
    """What the app shows at the next 30-second step: later than any code it showed until
    now, and within the drift the portal takes."""
    assert conf.TOTP_DRIFT_STEPS >= 1
    return pyotp.TOTP(secret).at(time.time() + STEP.total_seconds())


def to_secure_login(page: Page) -> None:
    page.get_by_role("link", name="Settings: Secure Login System").click()
    expect(page.get_by_role("heading", name="Secure Login System", exact=True)).to_be_visible()


def app_only_holder(username: str, agent: User) -> tuple[User, SecurityDevice, str]:
    """A client whose DSC+ support reported lost, leaving the authenticator app added
    before as the strongest active permanent device; the app and its key (base32)."""
    user = UserFactory(username=username)
    app, secret = authenticator_app_give(user, name="Work phone")
    device_report(
        authenticator=card_of(user, Kind.DSC_PLUS).authenticator,
        state=Authenticator.State.LOST,
        agent=agent,
        client=SYSTEM,
    )
    return user, app, base64.b32encode(secret).decode("ascii")


def log_in_with_app(page: Page, base: str, username: str, code: str) -> None:
    log_in(page, base, username, DEFAULT_PASSWORD)
    page.get_by_label(CODE_LABEL, exact=True).fill(code)
    page.get_by_role("button", name="Continue").click()
    expect_welcome(page, username)


def test_F3_G2_app_added_by_qr_code_then_chosen_at_login(page, live_server):
    """The card's fresh answer, the QR code and its key in groups, a wrong first code
    refused, the right one adds the app under its name; at the next login the card is
    preselected, the app is chosen instead, the code that confirmed it is spent (D2) and
    the next one logs in."""
    base = live_server.url
    user = make_holder("scc", username="alice")
    log_in(page, base, "alice", DEFAULT_PASSWORD)
    device_step(page, base, user, "scc")
    expect_welcome(page, "alice")

    to_secure_login(page)
    page.get_by_role("link", name="Add an authenticator app").click()
    expect(page.get_by_role("heading", name="Add an authenticator app")).to_be_visible()
    page.get_by_label("Name of the app").fill("Pixel 8")
    card = page.context.new_page()
    codes = printed_codes(card, base, serial_of(user, "scc"), challenge_of(page))
    card.close()
    page.get_by_label("Codes from your card", exact=True).fill(codes)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name='Add "Pixel 8": scan the QR code')).to_be_visible()
    qr = page.get_by_role("img", name="QR code of the new authenticator app's secret")
    expect(qr.locator("svg")).to_be_visible()
    groups = page.get_by_test_id("app-secret").locator("code")
    expect(groups).to_have_count(8)
    texts = [text.strip() for text in groups.all_inner_texts()]
    assert all(re.fullmatch(r"[A-Z2-7]{4}", text) for text in texts), texts
    secret = "".join(texts)
    uri = urlparse(page.get_by_test_id("app-uri").get_attribute("href") or "")
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert parse_qs(uri.query)["secret"] == [secret]
    assert parse_qs(uri.query)["issuer"] == ["SLS Portal"]

    page.get_by_label(CODE_LABEL).fill(wrong_code(secret))
    page.get_by_role("button", name="Add the app").click()
    expect(page.get_by_text("That code does not match.")).to_be_visible()
    assert not SecurityDevice.objects.filter(user=user, authenticator__kind=Kind.AUTHENTICATOR_APP)

    first = pyotp.TOTP(secret).now()
    page.get_by_label(CODE_LABEL).fill(first)
    page.get_by_role("button", name="Add the app").click()
    expect(page).to_have_url(f"{base}{reverse('accounts:secure_login')}")
    expect(page.get_by_role("status")).to_contain_text('Your authenticator app "Pixel 8" is added')
    expect(page.get_by_role("cell", name="Authenticator app: Pixel 8", exact=True)).to_be_visible()
    app = card_of(user, Kind.AUTHENTICATOR_APP)
    assert app.name == "Pixel 8"
    assert user.audit_events.filter(event_type=AuditEventType.DEVICE_REGISTERED).exists()
    log_out(page)

    log_in(page, base, "alice", DEFAULT_PASSWORD)
    chooser = page.get_by_label("Security device")
    expect(chooser).to_have_value(str(card_of(user, "scc").pk))
    chooser.select_option(label="Authenticator app: Pixel 8")
    page.get_by_role("button", name="Use this device").click()
    page.get_by_label(CODE_LABEL, exact=True).fill(first)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert").filter(has_text="Login failed")).to_be_visible()

    page.get_by_label(CODE_LABEL, exact=True).fill(next_step_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect_welcome(page, "alice")
    app.authenticator.refresh_from_db()
    assert app.authenticator.last_used_at is not None


def test_F3_W1_withdrawal_approved_by_the_app_stands_at_the_sms_row(
    page, live_server, support_agent
):
    """With the DSC+ reported lost, the app is the strongest active permanent device: the
    SMS row applies, one cent over USD 200,000 is refused with what remains, and USD
    150,000 is approved with the app's code."""
    base = live_server.url
    user, app, secret = app_only_holder("carol", support_agent)
    log_in_with_app(page, base, "carol", pyotp.TOTP(secret).now())

    page.get_by_role("link", name="Withdraw funds").click()
    expect(page.get_by_test_id("tier-reason")).to_contain_text(app.authenticator.serial)
    expect(page.get_by_test_id("available-today")).to_contain_text(
        "USD 200,000.00 of USD 200,000.00"
    )
    page.get_by_label("Amount (USD)").fill("200,000.01")
    page.get_by_label("Destination bank account (IBAN or account number)").fill(DESTINATION)
    page.get_by_role("button", name="Review").click()
    expect(page.get_by_role("alert")).to_contain_text("Still available: USD 200,000.00 today")

    page.get_by_label("Amount (USD)").fill("150,000")
    page.get_by_label("Destination bank account (IBAN or account number)").fill(DESTINATION)
    page.get_by_role("button", name="Review").click()
    expect(page.get_by_role("heading", name="Confirm the withdrawal")).to_be_visible()
    expect(page.get_by_test_id("intent-amount")).to_have_text("USD 150,000.00")
    page.get_by_label(CODE_LABEL, exact=True).fill(next_step_code(secret))
    page.get_by_role("button", name="Confirm withdrawal").click()

    expect(page.get_by_role("heading", name="Withdrawal accepted")).to_be_visible()
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.amount, withdrawal.tier) == (Decimal("150000.00"), "sms")
    assert app.authenticator.serial in withdrawal.tier_reason
    page.get_by_role("link", name="Back to withdrawals").click()
    expect(page.get_by_test_id("available-today")).to_contain_text(
        "USD 50,000.00 of USD 200,000.00"
    )


def agent_reports_app_lost_and_issues_passcode(page: Page, base: str, agent: User) -> str:
    """The desk: the caller's app found by the name they gave it in the list of security
    keys and authenticator apps, marked lost; a temporary passcode issued and read out."""
    desk_log_in(page, base, agent)
    desk_report_lost(
        page, "Security keys and authenticator apps", search="dave", row_text="Work phone"
    )
    expect(page.get_by_text(re.compile(r"Authenticator app APP-\w+ marked lost\."))).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Work phone")).to_contain_text("Lost")
    code = desk_passcode_issue(page, User.objects.get(username="dave"))
    log_out(page)
    return code


def test_F4_T1_G2_lost_app_support_passcode_then_found_and_reactivated(
    page, live_server, support_agent
):
    """F4: the app is reported lost at the desk like a card and answers nothing; the
    passcode support issues (T1) logs the client in, but a passcode cannot approve a new
    app (G2): the page refuses. The phone found again, the app's own code reactivates it
    (T4), the passcode stops working, and the app approves adding another."""
    base = live_server.url
    user, app, secret = app_only_holder("dave", support_agent)

    passcode = agent_reports_app_lost_and_issues_passcode(page, base, support_agent)
    app.authenticator.refresh_from_db()
    assert app.authenticator.state == Authenticator.State.LOST

    log_in(page, base, "dave", DEFAULT_PASSWORD)
    # The passcode is the one device left to answer: no chooser offers the lost app.
    expect(page.get_by_label("Temporary passcode", exact=True)).to_be_visible()
    expect(page.get_by_label("Security device")).to_have_count(0)
    expect(page.get_by_label(CODE_LABEL, exact=True)).to_have_count(0)
    page.get_by_label("Temporary passcode", exact=True).fill(passcode)
    page.get_by_role("button", name="Continue").click()
    expect_welcome(page, "dave")

    to_secure_login(page)
    page.get_by_role("link", name="Add an authenticator app").click()
    expect(page.get_by_role("heading", name="Authenticator app not possible now")).to_be_visible()
    expect(page.get_by_test_id("app-refused")).to_contain_text(
        "needs an answer from one of your permanent security devices"
    )
    expect(page.get_by_label("Name of the app")).to_have_count(0)
    page.get_by_role("link", name="Back to Secure Login System").click()

    reactivate = page.get_by_label("Device to reactivate")
    expect(reactivate).to_contain_text("Authenticator app: Work phone, lost")
    reactivate.select_option(value=str(app.pk))
    page.get_by_role("button", name="Reactivate security device").click()
    page.get_by_label(CODE_LABEL, exact=True).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Reactivate", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Your security device is active again")
    app.authenticator.refresh_from_db()
    assert app.authenticator.state == Authenticator.State.ACTIVE
    temporary = Authenticator.objects.get(kind=Kind.TEMPORARY_PASSCODE, user_devices__user=user)
    assert temporary.state == Authenticator.State.REVOKED

    page.get_by_role("link", name="Add an authenticator app").click()
    page.get_by_label("Name of the app").fill("Tablet")
    expect(page.get_by_role("heading", name="Second factor")).to_be_visible()
    page.get_by_label(CODE_LABEL, exact=True).fill(next_step_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name='Add "Tablet": scan the QR code')).to_be_visible()
