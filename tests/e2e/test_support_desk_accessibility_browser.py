"""Accessibility of the support desk (issue 15): as each staff role, every page of the admin
that role can open (support_desk.py) is checked with axe-core in real Chromium, and so is a
list showing the message of an action the role took; no violation of impact "serious" or
"critical" may remain. Each role logs in once and one browser page walks all of its pages,
axe-core injected by the browser context, which keeps the check to about a second a page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from accounts.roles import SECURITY_TEAM_GROUP, SUPPORT_GROUP
from devices.roles import COMPLIANCE_GROUP
from tests.e2e.axe import AXE, described, violations_of
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.support_desk import ROLES, SUPERUSER, desk_pages, desk_rows, staff_of
from tests.factories import DEFAULT_PASSWORD
from tests.login_helpers import full_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What each role does from a list (the action, and the reason where it asks for one), and
# the message it then reads there.
ACTIONS = {
    SUPPORT_GROUP: ("/admin/accounts/user/", "Lift lockout of selected users", "", "None of"),
    SECURITY_TEAM_GROUP: (
        "/admin/accounts/securityteamrequest/",
        "Reject (client did not confirm)",
        "",
        "Rejected",
    ),
    COMPLIANCE_GROUP: (
        "/admin/devices/deviceshare/",
        "Reject selected pending shares",
        "The owner did not confirm by phone.",
        "Shares rejected",
    ),
    SUPERUSER: ("/admin/trading/tradingsession/", "End selected trading sessions", "", "ended: 1"),
}

# Pages each role must find among its own (the paths end so): the check of the list itself.
EXPECTED = {
    SUPPORT_GROUP: ("/temporary-passcode/", "/admin/devices/temporarydevice/"),
    SECURITY_TEAM_GROUP: ("/admin/accounts/securityteamrequest/",),
    COMPLIANCE_GROUP: ("/admin/devices/deviceshare/",),
    SUPERUSER: ("/temporary-passcode/", "/password/", "/import/", "/assign/", "/delete/"),
}


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh context per role, with axe-core on each page it opens; a screenshot of the
    last page if the check fails."""
    context = browser.new_context()
    context.add_init_script(path=AXE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"support-desk-{request.node.callspec.id}.png")
    context.close()


def desk_session(page: Page, base_url: str, role: str) -> Client:
    """Log the member of `role` in (both steps, through the test client) and hand the
    session to the browser."""
    client = Client()
    assert full_login(client, staff_of(role).username, DEFAULT_PASSWORD).status_code == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_support_desk_pages_of_each_role_have_no_serious_violation(page, live_server, role):
    """Every page the role can open, then a list showing the message of an action it took."""
    desk_rows()
    client = desk_session(page, live_server.url, role)
    pages = desk_pages(staff_of(role), client)
    failures = []

    for path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, (path, page.url)
        failures += checked(page, path)
    path, action, reason, message = ACTIONS[role]
    page.goto(f"{live_server.url}{path}")
    page.locator("input[name=_selected_action]").first.check()
    page.get_by_role("combobox", name="Action").select_option(label=action)
    if reason:
        page.get_by_label("Reason").fill(reason)
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text(message)
    failures += checked(page, f"{path} after {action!r}")

    assert all(any(p.endswith(end) for p in pages) for end in EXPECTED[role]), pages
    assert not failures, "\n".join(failures)


def checked(page: Page, name: str) -> list[str]:
    violations = violations_of(page)
    return [f"{name}:\n{described(violations)}"] if violations else []
