"""Faults from tests: a client that answers them as the server does, the check that a page
is one of the portal's own error pages, and a database that cannot be reached in the
test's own process (the real outage, on PostgreSQL under gunicorn, is in
tests/test_database_outage_postgres.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

# Text of a fault that the tests raise and then look for on the page: it must not be there.
SECRET = "fault-detail-that-must-stay-inside"

REFUSED = (
    'connection failed: connection to server at "127.0.0.1", port 5432 failed: Connection refused'
)


@contextmanager
def database_down() -> Iterator[None]:
    """Every query fails: Django checks the connection before each cursor it opens."""
    refused = OperationalError(REFUSED)
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=refused):
        yield


def browser() -> Client:
    """A test client that answers a fault as the server does (the error page) instead of
    raising it in the test."""
    return Client(raise_request_exception=False)


def assert_portal_page(response, status: int, heading: str) -> str:
    """The page is the portal's own, in its layout, with a way back and no detail, and
    carries the security headers of every page, whichever middleware the fault was in."""
    page = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert '<header class="site-header">' in page
    assert 'data-testid="error-page"' in page
    assert f"<h1>{heading}</h1>" in page
    assert f'href="{reverse("accounts:dashboard")}">Back to the portal</a>' in page
    for detail in (SECRET, REFUSED, "Traceback", "Exception", "Error at"):
        assert detail not in page
    return page
