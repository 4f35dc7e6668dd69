"""Issue 8: the Content-Security-Policy holds in real Chromium. Every violation the browser
reports (the `securitypolicyviolation` event and its console message) is recorded while a
client, then a superuser, walk the main pages, the simulators, the admin and the API
documentation; none may occur."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.e2e.helpers import device_step, expect_welcome, log_in, log_out, password_step
from tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory, give_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any page script, outside the page's policy, in every page of the context.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
});
"""

FOREIGN_IMAGE = """
document.body.insertAdjacentHTML("beforeend", '<img alt="" src="http://example.invalid/x.png">');
"""

CLIENT_PAGES = [
    "/",
    "/settings/secure-login/",
    "/settings/secure-login/configure/",
    "/settings/bank-instructions/",
    "/settings/email/",
    "/funding/deposit/",
    "/withdrawals/",
    "/help/login/",
    "/simulators/",
    "/simulators/phone/",
]
STAFF_PAGES = [
    "/admin/",
    "/admin/accounts/user/",
    "/admin/accounts/user/add/",
    "/admin/accounts/auditevent/",
    "/admin/devices/authenticator/",
]


@pytest.fixture
def violations(page: Page) -> list[str]:
    seen: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "CSP violation" in message.text:
            seen.append(f"{message.page.url if message.page else '?'}: {message.text}")

    page.context.add_init_script(REPORT_VIOLATIONS)
    page.context.on("console", record)
    return seen


def visit(page: Page, base_url: str, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(f"{base_url}{path}")
        assert response is not None and response.status in (200, 403), path
        page.wait_for_load_state("networkidle")


def test_the_recorder_sees_a_violation(page, live_server, violations):
    """The listener works: an image from another origin is blocked and reported."""
    page.goto(f"{live_server.url}/login/")
    page.evaluate(FOREIGN_IMAGE)

    expect(page.locator("img")).to_have_count(1)
    page.wait_for_timeout(200)
    assert any("img-src" in seen for seen in violations), violations


def test_no_csp_violation_on_the_main_pages(page, live_server, violations):
    user = UserFactory(username="alice", device="dsc_plus")
    give_device(user, "sms")
    root = StaffFactory(username="root", is_superuser=True, device="scc")

    page.goto(f"{live_server.url}/login/")
    log_in(page, live_server.url, "alice", DEFAULT_PASSWORD)
    device_step(page, live_server.url, user, "dsc_plus")
    expect_welcome(page, "alice")
    visit(page, live_server.url, CLIENT_PAGES)
    expect(page.get_by_role("heading", name="Phones", exact=True)).to_be_visible()
    page.goto(f"{live_server.url}/settings/secure-login/")
    expect(page.get_by_test_id("ib-key-qr").locator("svg")).to_be_visible()
    log_out(page)

    password_step(page, "root", DEFAULT_PASSWORD)
    device_step(page, live_server.url, root, "scc")
    visit(page, live_server.url, [*STAFF_PAGES, f"/admin/accounts/user/{user.pk}/change/"])
    expect(page.get_by_role("heading", name="alice")).to_be_visible()
    visit(page, live_server.url, ["/api/trading/docs"])
    expect(page.locator("#swagger-ui .info")).to_be_visible()

    assert violations == []
