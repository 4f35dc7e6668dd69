"""The login as explicit steps kept in the session: password accepted, then the second
factor, then complete. Each step's view reads and advances this state; nothing here
decides whether a credential is right (the services do)."""

from __future__ import annotations

import secrets
from datetime import datetime

import django_otp
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.models import Device

from accounts import conf
from accounts.client_info import ClientInfo
from accounts.models import User
from accounts.request_log import request_user_note
from accounts.services.login import login_succeeded
from accounts.services.sessions import session_key_rotate, session_was_ended

PENDING_KEY = "sls_pending_login"
# K5: how the second factor was approved (IB Key PIN or biometrics), for the trading
# channel's session length.
APPROVAL_METHOD_KEY = "sls_approval_method"


class LoginFlow:
    """One browser's login in progress."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def password_accepted(self, user: User) -> None:
        """Start the second step; `attempt` binds the challenges shown to this login only.
        The session key rotates here as at completion (G6): a key planted or seen before
        the password carries no pending login."""
        session_key_rotate(session=self.request.session)
        self.request.session[PENDING_KEY] = {
            "user_id": user.pk,
            "password_at": timezone.now().isoformat(),
            "attempt": secrets.token_urlsafe(24),
        }

    @property
    def attempt(self) -> str:
        return self.request.session.get(PENDING_KEY, {}).get("attempt", "")

    def pending_user(self) -> User | None:
        """The user whose password was accepted moments ago, if that is still fresh."""
        pending = self.request.session.get(PENDING_KEY)
        if not isinstance(pending, dict):
            return None
        started = datetime.fromisoformat(pending["password_at"])
        if timezone.now() - started > conf.PENDING_LOGIN_TTL:
            self.abandon()
            return None
        user = User.objects.filter(pk=pending["user_id"], is_active=True).first()
        if user is not None and session_was_ended(user=user, started_at=started.timestamp()):
            # G3: the user's device was reported lost or damaged after this password.
            self.abandon()
            return None
        if user is not None:
            request_user_note(user_id=user.pk)
        return user

    def complete(self, user: User, device: Device, approval_method: str = "") -> None:
        """Log the user in, verified by `device`: `auth_login` rotates the session key, so
        a key planted before login is worthless after it. One transaction holds the reset
        failure count (L3), the `login.succeeded` event, the session's new key and its place
        among the user's sessions (G3): a worker killed midway writes none of them. The
        session's data follows as the response leaves; killed just before, the worker leaves
        a login recorded whose new key never reached the browser, which logs nobody in."""
        with transaction.atomic():
            login_succeeded(user=user, client=ClientInfo.from_request(self.request))
            self.abandon()
            auth_login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
            django_otp.login(self.request, device)
        if approval_method:
            self.request.session[APPROVAL_METHOD_KEY] = approval_method

    def abandon(self) -> None:
        self.request.session.pop(PENDING_KEY, None)


def safe_next(request: HttpRequest, default: str = settings.LOGIN_REDIRECT_URL) -> str:
    """Where to go after the login: a path on this site, else `default`. Only paths are
    taken: `redirect()` would read a bare word such as "0" as a URL pattern name."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    allowed = candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if allowed else resolve_url(default)
