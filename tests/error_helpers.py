"""Faults from tests: a client that answers them as the server does, and the check that a
page is one of the portal's own error pages."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

# Text of a fault that the tests raise and then look for on the page: it must not be there.
SECRET = "fault-detail-that-must-stay-inside"


def browser() -> Client:
    """A test client that answers a fault as the server does (the error page) instead of
    raising it in the test."""
    return Client(raise_request_exception=False)


def assert_portal_page(response, status: int, heading: str) -> str:
    """The page is the portal's own, in its layout, with a way back and no detail."""
    page = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert '<header class="site-header">' in page
    assert 'data-testid="error-page"' in page
    assert f"<h1>{heading}</h1>" in page
    assert f'href="{reverse("accounts:dashboard")}">Back to the portal</a>' in page
    for detail in (SECRET, "Traceback", "Exception", "Error at"):
        assert detail not in page
    return page
