"""The login page in real Chromium: L1, L2 and the L3 lockout lifted by support in the admin."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Client Portal login")).to_be_visible()


def test_L2_login_in_chromium_shows_the_dashboard(page, live_server):
    user = UserFactory(username="alice")

    log_in(page, live_server.url, "alice", "wrong-password")
    expect(page.get_by_role("alert")).to_have_text("Invalid user name password combination")

    log_in(page, live_server.url, "alice", DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, alice")).to_be_visible()
    expect(page.get_by_text(user.account.number)).to_be_visible()


def test_L1_bad_character_in_chromium(page, live_server):
    log_in(page, live_server.url, "alice smith", "whatever")

    expect(page.get_by_text("BAD CHARACTER")).to_be_visible()


def test_L3_lockout_lifted_by_support_in_the_admin(page, live_server, support_agent):
    user = UserFactory(username="bob")

    for _ in range(10):
        log_in(page, live_server.url, "bob", "wrong-password")
    log_in(page, live_server.url, "bob", DEFAULT_PASSWORD)
    expect(page.get_by_role("alert")).to_have_text("Invalid user name password combination")

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("User name").fill("agent")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Users", exact=True).click()
    row = page.get_by_role("row").filter(has_text="bob")
    expect(row).to_contain_text("Locked until")
    row.get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option("lift_lockout")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("Lockout lifted: bob.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in(page, live_server.url, "bob", DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, bob")).to_be_visible()
    assert user.audit_events.filter(event_type="lockout.lifted").exists()
