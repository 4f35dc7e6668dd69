"""T6 portal messages: unread notices on the dashboard, dismissed by a POST with CSRF."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType, Notice
from accounts.services.notices import notice_send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client(portal) -> Client:
    """A client that checks CSRF, sharing the logged-in session of `portal`."""
    checked = Client(enforce_csrf_checks=True)
    checked.cookies = portal.cookies
    return checked


def send(user, subject="Your new security device activates soon") -> Notice:
    return notice_send(user=user, subject=subject, body="Details.", client=SYSTEM, kind="test")


def test_T6_unread_notices_are_shown_on_the_dashboard(portal, rich_user):
    send(rich_user)
    page = portal.get(reverse("accounts:dashboard"))
    assert "Your new security device activates soon" in page.content.decode()


def test_T6_notice_is_mailed_to_the_user_or_else_the_client(
    rich_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(rich_user)
    rich_user.email = "own@example.com"
    rich_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        send(rich_user)
    assert [m.to for m in mailoutbox] == [[rich_user.client.email], ["own@example.com"]]
    assert AuditEvent.objects.filter(event_type=AuditEventType.NOTICE_SENT).count() == 2


def test_T6_dismissing_marks_the_notice_read(csrf_client, rich_user):
    notice = send(rich_user)
    page = csrf_client.get(reverse("accounts:dashboard"))
    token = page.context["csrf_token"]
    response = csrf_client.post(
        reverse("accounts:notice_dismiss", args=[notice.pk]), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None
    after = csrf_client.get(reverse("accounts:dashboard"))
    assert notice.subject not in after.content.decode()


def test_T6_dismiss_without_csrf_is_refused(csrf_client, rich_user):
    notice = send(rich_user)
    response = csrf_client.post(reverse("accounts:notice_dismiss", args=[notice.pk]))
    assert response.status_code == 403
    assert csrf_client.get(reverse("accounts:dashboard")).status_code == 200
    notice.refresh_from_db()
    assert notice.read_at is None


def test_T6_another_users_notice_cannot_be_dismissed(portal):
    other = UserFactory(device="scc")
    notice = send(other)
    response = portal.post(reverse("accounts:notice_dismiss", args=[notice.pk]))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is None


def test_T6_dismiss_is_post_only(portal, rich_user):
    notice = send(rich_user)
    assert portal.get(reverse("accounts:notice_dismiss", args=[notice.pk])).status_code == 405
