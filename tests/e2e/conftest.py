"""Real Chromium (Debian's package) driven by Playwright against pytest-django's live
server. Outside CI a missing browser skips these tests with the reason; in CI it fails."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import IN_CI
from tests.e2e.virtual_authenticator import VirtualAuthenticator

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make between page actions are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        reason = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(f"CI must run browser tests: {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context per test; a full-page screenshot is saved if the test fails."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()


@pytest.fixture
def webauthn_origin(settings, live_server) -> str:
    """The live server as the relying party's one allowed origin. Chromium refuses an IP
    address as relying-party id, so the pages are visited as http://localhost:PORT, the
    live server's own URL."""
    settings.SLS_WEBAUTHN_RP_ID = "localhost"
    settings.SLS_WEBAUTHN_ORIGINS = [live_server.url]
    return live_server.url


@pytest.fixture
def virtual_authenticator(page: Page) -> Iterator[VirtualAuthenticator]:
    """A USB security key in Chromium that verifies its user and is touched at once."""
    authenticator = VirtualAuthenticator.attach(page)
    yield authenticator
    authenticator.detach()
