"""A withdrawal in real Chromium (SPEC §8): the page shows the tier, why and what is still
available; an amount over the limit is refused with what remains; a smaller one is
confirmed with a fresh answer from the printed card and appears in the history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.devices.conftest import make_holder
from tests.e2e.helpers import device_step, expect_welcome, log_in, printed_codes, serial_of
from tests.factories import DEFAULT_PASSWORD
from withdrawals.models import Withdrawal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESTINATION = "GB82 WEST 1234 5698 7654 32"


def fill_request(page, amount: str) -> None:
    page.get_by_label("Amount (USD)").fill(amount)
    page.get_by_label("Destination bank account (IBAN or account number)").fill(DESTINATION)
    page.get_by_role("button", name="Review").click()


def test_W3_refused_then_accepted_withdrawal_in_chromium(page, live_server):
    user = make_holder("scc", username="carol")
    base = live_server.url
    log_in(page, base, "carol", DEFAULT_PASSWORD)
    device_step(page, base, user, "scc")
    expect_welcome(page, "carol")

    page.get_by_role("link", name="Withdraw funds").click()
    expect(page.get_by_test_id("tier")).to_have_text("Security Code Card")
    expect(page.get_by_test_id("tier-reason")).to_contain_text(serial_of(user, "scc"))
    expect(page.get_by_test_id("available-today")).to_contain_text("USD 200,000.00")

    fill_request(page, "250,000")
    expect(page.get_by_role("alert")).to_contain_text("Still available: USD 200,000.00 today")
    expect(page.get_by_role("alert")).to_contain_text("USD 600,000.00 over the 5 business days")

    fill_request(page, "1500.50")
    expect(page.get_by_role("heading", name="Confirm the withdrawal")).to_be_visible()
    expect(page.get_by_test_id("intent-amount")).to_have_text("USD 1,500.50")
    challenge = page.get_by_test_id("challenge-value").inner_text().strip()
    card = page.context.new_page()
    codes = printed_codes(card, base, serial_of(user, "scc"), challenge)
    card.close()
    page.get_by_label("Codes from your card", exact=True).fill(codes)
    page.get_by_role("button", name="Confirm withdrawal").click()

    expect(page.get_by_role("heading", name="Withdrawal accepted")).to_be_visible()
    page.get_by_role("link", name="Back to withdrawals").click()
    history = page.get_by_role("table")
    expect(history).to_contain_text("USD 1,500.50")
    expect(history).to_contain_text("GB82WEST12345698765432")
    expect(page.get_by_test_id("available-today")).to_contain_text("USD 198,499.50")
    assert list(Withdrawal.objects.values_list("amount", flat=True)) == [Decimal("1500.50")]
