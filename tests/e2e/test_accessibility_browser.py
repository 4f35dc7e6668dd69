"""Accessibility of every page (issues 8 and 15): each page is opened in real Chromium with
the state it needs (page_states.py), flash messages showing on some, axe-core (pinned in
package.json, installed by `make test`) is injected and run, and no violation of impact
"serious" or "critical" may remain. The support desk as each staff role sees it has its own
check (test_support_desk_accessibility_browser.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.axe import described, violations_of
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.page_states import MESSAGES, PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pages drawn by a script after they load: what shows they are drawn.
DRAWN = {"trading API docs": "#swagger-ui .information-container"}


@pytest.fixture(scope="module")
def one_context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def page(one_context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    """Every page of this module opens in one browser context, its cookies cleared before
    each; a full-page screenshot is saved if the check fails."""
    one_context.clear_cookies()
    page = one_context.new_page()
    page.set_default_timeout(10_000)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(
            path=ARTIFACTS / f"accessibility-{request.node.callspec.id}.png", full_page=True
        )
    page.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_has_no_serious_accessibility_violation(page, live_server, name):
    client, path = PAGES[name]()
    cookies = [
        {"name": cookie.key, "value": cookie.value, "url": live_server.url}
        for cookie in client.cookies.values()
        if cookie.value
    ]
    if cookies:
        page.context.add_cookies(cookies)

    response = page.goto(f"{live_server.url}{path}")
    if name in DRAWN:
        expect(page.locator(DRAWN[name])).to_be_visible()
    if name in MESSAGES:
        expect(page.get_by_role("status")).to_contain_text(MESSAGES[name])

    assert response is not None and response.status == 200, (name, page.url)
    assert page.url.endswith(path), f"{name}: redirected to {page.url}"
    violations = violations_of(page)
    assert not violations, f"{name} ({path}):\n{described(violations)}"
