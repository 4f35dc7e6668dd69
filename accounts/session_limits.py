"""The ends of a portal session (NIST SP 800-63B AAL2 reauthentication): 30 minutes
without a request, and 12 hours whatever the activity.

The store ends an idle session by itself: SESSION_COOKIE_AGE is 30 minutes and
SESSION_SAVE_EVERY_REQUEST moves the session's expiry on every request. With `cached_db`
the copy read is the cache's, which Redis expires by its own clock, and Django does not
look at the database's expiry date on a cache hit; so the time of each request is kept in
the session too and checked here, and the idle end holds on either engine whatever the
cache does. A session found idle is flushed quietly, as if the store had dropped it.

Activity cannot move the absolute end, so the moment of login is kept in the session and
checked on every request; the session is then flushed on the server, written to the audit
trail, and the user sent to the login page with a notice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.conf import SESSION_MAX_LIFETIME
from accounts.models import AuditEventType, AuditOutcome
from accounts.services.audit import audit_record
from accounts.services.sessions import session_was_ended

SESSION_STARTED_KEY = "sls_session_started_at"
SESSION_SEEN_KEY = "sls_session_seen_at"
SESSION_ENDED_MESSAGE = (
    "Your session has ended: portal sessions last at most 12 hours. Please log in again."
)
SESSIONS_ENDED_MESSAGE = (
    "Your session has ended: your security device was reported lost or damaged. Please "
    "log in again."
)


class SessionIdleMiddleware:
    """Right after SessionMiddleware, before the user is read from the session: a
    logged-in session left alone for SESSION_COOKIE_AGE is flushed, as the store would
    have dropped it, so the request goes on without a user. Stamps the time of every
    request of a logged-in session, after the view, so the login's own request counts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seen = request.session.get(SESSION_SEEN_KEY)
        if isinstance(seen, int | float) and _seconds_since(seen) >= settings.SESSION_COOKIE_AGE:
            request.session.flush()
        response = self.get_response(request)
        if SESSION_KEY in request.session:
            request.session[SESSION_SEEN_KEY] = timezone.now().timestamp()
        return response


class SessionLifetimeMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware: ends authenticated sessions
    older than SESSION_MAX_LIFETIME and stamps the start of new ones."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and _is_past_lifetime(request):
            return _end_session(request)
        if request.user.is_authenticated and _was_ended(request):
            return _end_ended_session(request)
        response = self.get_response(request)
        # Stamped once, after the view, so the request that completes the login (and
        # rotates the session key) starts the clock.
        if request.user.is_authenticated and SESSION_STARTED_KEY not in request.session:
            request.session[SESSION_STARTED_KEY] = timezone.now().timestamp()
        return response


def _seconds_since(timestamp: float) -> float:
    return timezone.now().timestamp() - timestamp


def _is_past_lifetime(request: HttpRequest) -> bool:
    started = request.session.get(SESSION_STARTED_KEY)
    if not isinstance(started, int | float):
        return False
    started_at = datetime.fromtimestamp(started, tz=UTC)
    return timezone.now() - started_at >= SESSION_MAX_LIFETIME


def _was_ended(request: HttpRequest) -> bool:
    started = request.session.get(SESSION_STARTED_KEY)
    return session_was_ended(
        user=request.user, started_at=started if isinstance(started, int | float) else None
    )


def _end_ended_session(request: HttpRequest) -> HttpResponse:
    """G3: every session of the user was ended (a device reported lost or damaged) after
    this one began; the store's copy is normally gone already, this catches any other."""
    audit_record(
        event_type=AuditEventType.LOGOUT,
        outcome=AuditOutcome.SUCCESS,
        subject=request.user,
        client=ClientInfo.from_request(request),
        detail={"reason": "sessions_ended"},
    )
    auth_logout(request)
    messages.info(request, SESSIONS_ENDED_MESSAGE)
    return redirect_to_login(request.get_full_path())


def _end_session(request: HttpRequest) -> HttpResponse:
    user = request.user
    audit_record(
        event_type=AuditEventType.LOGOUT,
        outcome=AuditOutcome.SUCCESS,
        subject=user,
        client=ClientInfo.from_request(request),
        detail={
            "reason": "session_lifetime",
            "max_hours": SESSION_MAX_LIFETIME // timedelta(hours=1),
        },
    )
    auth_logout(request)
    messages.info(request, SESSION_ENDED_MESSAGE)
    return redirect_to_login(request.get_full_path())
