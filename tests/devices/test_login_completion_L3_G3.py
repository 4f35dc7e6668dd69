"""A portal login completes in one transaction: the failure count reset (L3) with its
`login.succeeded` event, the session's new key, `last_login` and the session's place among
the user's sessions (G3). A failure after the first of these writes, standing for a worker
killed there, leaves none of them, and the login is then completed with a new challenge."""

from __future__ import annotations

import pytest

from accounts import login_flow
from accounts.models import AuditEvent, AuditEventType, LoginFailure, UserSession
from tests.factories import UserFactory
from tests.login_helpers import answer_device, is_logged_in, post_login

pytestmark = pytest.mark.django_db


def test_L3_G3_a_failure_after_the_login_was_recorded_leaves_nothing(client, password, monkeypatch):
    user = UserFactory()
    post_login(client, user.username, "wrong-password")
    page = post_login(client, user.username, password)
    real_login = login_flow.auth_login

    def dies_after(*args, **kwargs):
        real_login(*args, **kwargs)
        raise RuntimeError("the worker died here")

    monkeypatch.setattr(login_flow, "auth_login", dies_after)
    with pytest.raises(RuntimeError):
        answer_device(client, page=page)

    user.refresh_from_db()
    assert LoginFailure.objects.filter(user=user).count() == 1
    succeeded = AuditEvent.objects.filter(event_type=AuditEventType.LOGIN_SUCCEEDED)
    assert not succeeded.exists()
    assert not UserSession.objects.filter(user=user).exists()
    assert user.last_login is None
    monkeypatch.undo()
    assert answer_device(client).status_code == 302, "a new challenge, answered"
    assert is_logged_in(client)
    assert not LoginFailure.objects.filter(user=user).exists()
    assert succeeded.count() == 1 and UserSession.objects.filter(user=user).count() == 1
