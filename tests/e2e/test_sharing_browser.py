"""Sharing a device in real Chromium (H1-H5, KB2481): the requester opens Settings →
Secure Login System, gives the owner's credentials, answers the owner's card with its
simulator, reviews and sees the status; both users then log in with the shared card, and
cancelling brings the requester's own card back. Compliance clears a pending share."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Client
from devices.models import DeviceShare
from tests.devices.sharing.helpers import compliance_officer
from tests.e2e.helpers import (
    answer,
    device_step,
    expect_welcome,
    keypad_response,
    log_in,
    log_out,
    serial_of,
)
from tests.factories import DEFAULT_PASSWORD, ClientFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_with(page: Page, base_url: str, user, kind: str) -> None:
    log_in(page, base_url, user.username, DEFAULT_PASSWORD)
    device_step(page, base_url, user, kind)
    expect_welcome(page, user.username)


def share_in_browser(page: Page, base_url: str, owner) -> None:
    """Steps 4 to 8 of KB2481 for a requester already logged in."""
    page.get_by_role("link", name="Settings: Secure Login System").click()
    page.get_by_role("link", name="Share Device").click()
    page.get_by_label("Device owner's user name").fill(owner.username)
    page.get_by_label("Device owner's password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Answer the device to share")).to_be_visible()
    challenge = page.get_by_test_id("challenge-value").inner_text().strip()
    card = page.context.new_page()
    response = keypad_response(card, base_url, serial_of(owner, "dsc_plus"), challenge)
    card.close()
    answer(page, "Response from your card", response)
    expect(page.get_by_role("heading", name="Review the device sharing")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Device sharing status")).to_be_visible()


def test_H2_H5_share_the_stronger_card_log_in_with_it_then_cancel(page, live_server):
    person = ClientFactory()
    requester = UserFactory(username="ann", client=person, device="scc")
    owner = UserFactory(username="ann2", client=person, device="dsc_plus")
    base = live_server.url
    log_in_with(page, base, requester, "scc")

    share_in_browser(page, base, owner)

    expect(page.get_by_test_id("share-status")).to_have_text("Approved")
    page.get_by_role("link", name="OK").click()
    expect(page.get_by_test_id("share-summary")).to_contain_text("ann2")
    expect(page.get_by_role("cell", name="Not in use")).to_be_visible()
    log_out(page)
    log_in_with(page, base, requester, "dsc_plus")
    log_out(page)
    log_in_with(page, base, owner, "dsc_plus")
    log_out(page)

    log_in_with(page, base, requester, "dsc_plus")
    page.get_by_role("link", name="Settings: Secure Login System").click()
    page.get_by_role("link", name="Cancel device sharing").click()
    page.get_by_role("button", name="Cancel device sharing").click()
    expect(page.get_by_text("Log in again with your own device")).to_be_visible()
    log_in_with(page, base, requester, "scc")
    assert DeviceShare.objects.get().status == DeviceShare.Status.CANCELLED


def test_H1c_H4_less_secure_device_in_the_browser(page, live_server):
    person = ClientFactory()
    requester = UserFactory(username="ben", client=person, device="dsc_plus")
    owner = UserFactory(username="ben2", client=person, device="scc")
    log_in_with(page, live_server.url, requester, "dsc_plus")

    page.get_by_role("link", name="Settings: Secure Login System").click()
    page.get_by_role("link", name="Share Device").click()
    page.get_by_label("Device owner's user name").fill(owner.username)
    page.get_by_label("Device owner's password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_test_id("share-error")).to_have_text("Less secure device")


def test_H3_compliance_approves_a_pending_share_in_the_admin(page, live_server):
    first = ClientFactory(kind=Client.Kind.PERSON, id_document_number="P12345678")
    second = ClientFactory(name="Second record", id_document_number="P12345678")
    requester = UserFactory(username="cat", client=first, device="scc")
    owner = UserFactory(username="cat2", client=second, device="dsc_plus")
    officer = compliance_officer()
    base = live_server.url
    log_in_with(page, base, requester, "scc")
    share_in_browser(page, base, owner)
    expect(page.get_by_test_id("share-status")).to_have_text("Pending Compliance review")
    log_out(page)

    log_in(page, base, officer.username, DEFAULT_PASSWORD)
    device_step(page, base, officer, "scc")
    page.goto(f"{base}/admin/devices/deviceshare/")
    page.get_by_role("checkbox", name="Select this object for an action").first.check()
    page.get_by_label("Action:").select_option("approve")
    page.get_by_label("Reason").fill("Both records are one person")
    page.get_by_role("button", name="Go").click()

    expect(page.get_by_text("Shares approved")).to_be_visible()
    page.goto(f"{base}/")
    page.get_by_role("button", name="Log out").click()
    log_in_with(page, base, requester, "dsc_plus")
