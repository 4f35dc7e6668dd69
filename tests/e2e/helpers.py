"""Browser steps of the two-step login, and the device simulators a card holder would use.

Simulators are opened in a second page of the same browser context: the person holding the
card reads the challenge off the login page and types the card's answer back."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from accounts.models import User
from devices.models import SecurityDevice
from tests.factories import DEFAULT_PASSWORD, DEFAULT_PIN

ANY_TEXT = re.compile(r"\S")
RESPONSE_LABELS = {
    "dsc_plus": "Response from your card",
    "dsc": "Response from your card",
    "scc": "Codes from your card",
    "platinum": "Code shown on your card",
    "gold": "Code shown on your card",
}


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    """Step one: the password."""
    page.goto(f"{base_url}/login/")
    password_step(page, username, password)


def password_step(page: Page, username: str, password: str) -> None:
    """Fill and submit the login form already on `page`."""
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Client Portal login")).to_be_visible()


def expect_welcome(page: Page, username: str) -> None:
    expect(page.get_by_role("heading", name=f"Welcome, {username}")).to_be_visible()


def card_of(user: User, kind: str | None = None) -> SecurityDevice:
    """The user's device (of `kind` when the user has several)."""
    devices = user.securitydevice_set.select_related("authenticator")
    if kind is None:
        return devices.get()
    return next(device for device in devices if device.authenticator.kind == kind)


def serial_of(user: User, kind: str | None = None) -> str:
    return card_of(user, kind).authenticator.serial


def challenge_of(page: Page) -> str:
    """The challenge shown on the device step (empty for one-time-code cards)."""
    expect(page.get_by_role("heading", name="Second factor")).to_be_visible()
    challenge = page.get_by_test_id("challenge-value")
    expect(challenge).to_have_text(ANY_TEXT)
    return challenge.inner_text().strip()


def answer(page: Page, label: str, response: str) -> None:
    """Type the card's answer into the device step and continue."""
    page.get_by_label(label, exact=True).fill(response)
    page.get_by_role("button", name="Continue").click()


def card_display(card: Page) -> str:
    display = card.locator("output[data-testid=card-display]")
    expect(display).to_have_text(ANY_TEXT)
    return display.inner_text().strip()


def keypad_press(card: Page, base_url: str, serial: str, challenge: str, pin: str) -> None:
    card.goto(f"{base_url}/simulators/keypad/?serial={serial}")
    expect(card.get_by_label("Card serial number")).to_have_value(serial)
    card.get_by_label("PIN").fill(pin)
    card.get_by_label("Challenge").fill(challenge)
    card.get_by_role("button", name="OK").click()


def keypad_response(
    card: Page, base_url: str, serial: str, challenge: str, pin: str = DEFAULT_PIN
) -> str:
    """The DSC+/DSC keypad: PIN (empty for a DSC), then the challenge; the card's answer."""
    keypad_press(card, base_url, serial, challenge, pin)
    return card_display(card)


def token_code(card: Page, base_url: str, serial: str) -> str:
    """The button of a Platinum/Gold card: the code it shows."""
    card.goto(f"{base_url}/simulators/token/?serial={serial}")
    expect(card.get_by_label("Card serial number")).to_have_value(serial)
    card.get_by_role("button", name="Press button").click()
    return card_display(card)


def printed_codes(card: Page, base_url: str, serial: str, challenge: str) -> str:
    """Read the cells named by "17,42" off the printed card; typed without spaces."""
    card.goto(f"{base_url}/simulators/card/{serial}/")
    codes = []
    for index in challenge.split(","):
        cell = card.locator(f'span.cell-code[data-index="{index.strip()}"]')
        expect(cell).to_have_text(ANY_TEXT)
        codes.append(cell.inner_text().strip())
    return "".join(codes)


def device_step(page: Page, base_url: str, user: User, kind: str, pin: str = DEFAULT_PIN) -> None:
    """Answer the device step on `page` with the user's card of `kind`, using its simulator
    in a second page of the same browser context."""
    serial = serial_of(user, kind)
    card = page.context.new_page()
    try:
        if kind in ("platinum", "gold"):
            expect(page.get_by_role("heading", name="Second factor")).to_be_visible()
            expect(page.get_by_test_id("challenge-value")).to_have_count(0)
            response = token_code(card, base_url, serial)
        elif kind == "scc":
            response = printed_codes(card, base_url, serial, challenge_of(page))
        else:
            response = keypad_response(card, base_url, serial, challenge_of(page), pin)
    finally:
        card.close()
    answer(page, RESPONSE_LABELS[kind], response)


def desk_log_in(page: Page, base_url: str, agent: User) -> None:
    """A support agent into the admin: password, then the agent's own card (an SCC)."""
    page.goto(f"{base_url}/admin/")
    password_step(page, agent.username, DEFAULT_PASSWORD)
    device_step(page, base_url, agent, "scc")


def desk_report_lost(page: Page, list_name: str, search: str, row_text: str) -> None:
    """From the admin, the one device of list `list_name` that `search` finds and whose row
    shows `row_text`, marked lost."""
    page.get_by_role("link", name=list_name).click()
    page.get_by_role("textbox").first.fill(search)
    page.get_by_role("button", name="Search").click()
    row = page.get_by_role("row").filter(has_text=row_text)
    expect(row).to_have_count(1)
    row.get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option("report_lost")
    page.get_by_role("button", name="Go").click()


def desk_passcode_issue(page: Page, user: User) -> str:
    """From the admin, a temporary passcode for `user` after a lost device: the caller's
    identification typed as said and checked against the data on file; the passcode read
    off the page that issues it."""
    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_role("link", name=user.username, exact=True).click()
    page.get_by_role("link", name="Issue temporary passcode").click()
    page.get_by_label("Date of birth").fill(user.client.date_of_birth.isoformat())
    page.get_by_label("Identification document number").fill(user.client.id_document_number)
    page.get_by_label("Device lost").check()
    page.get_by_label("I am on the telephone with the caller").check()
    page.get_by_role("button", name="Check and issue temporary passcode").click()
    return page.get_by_label("Temporary passcode").inner_text().strip()
