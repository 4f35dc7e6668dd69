"""The login page in real Chromium: L1, L2 and the L3 lockout lifted by support in the admin.
Both steps are taken: the password, then the device answered with its simulator."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import device_step, expect_welcome, log_in, log_out, password_step
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_L2_login_in_chromium_shows_the_dashboard(page, live_server):
    user = UserFactory(username="alice", device="dsc_plus")

    log_in(page, live_server.url, "alice", "wrong-password")
    expect(page.get_by_role("alert")).to_have_text("Invalid user name password combination")

    log_in(page, live_server.url, "alice", DEFAULT_PASSWORD)
    device_step(page, live_server.url, user, "dsc_plus")
    expect_welcome(page, "alice")
    expect(page.get_by_text(user.account.number)).to_be_visible()


def test_L1_bad_character_in_chromium(page, live_server):
    log_in(page, live_server.url, "alice smith", "whatever")

    expect(page.get_by_text("BAD CHARACTER")).to_be_visible()


def test_L3_lockout_lifted_by_support_in_the_admin(page, live_server, support_agent):
    user = UserFactory(username="bob", device="dsc_plus")

    for _ in range(10):
        log_in(page, live_server.url, "bob", "wrong-password")
    log_in(page, live_server.url, "bob", DEFAULT_PASSWORD)
    expect(page.get_by_role("alert")).to_have_text("Invalid user name password combination")

    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="Client Portal login")).to_be_visible()
    password_step(page, "agent", DEFAULT_PASSWORD)
    device_step(page, live_server.url, support_agent, "scc")
    page.get_by_role("link", name="Users", exact=True).click()
    row = page.get_by_role("row").filter(has_text="bob")
    expect(row).to_contain_text("Locked until")
    row.get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option("lift_lockout")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("Lockout lifted: bob.")).to_be_visible()
    log_out(page)

    log_in(page, live_server.url, "bob", DEFAULT_PASSWORD)
    device_step(page, live_server.url, user, "dsc_plus")
    expect_welcome(page, "bob")
    assert user.audit_events.filter(event_type="lockout.lifted").exists()
