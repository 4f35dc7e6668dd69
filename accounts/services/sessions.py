"""Ending every session of a user at once (G3): Client Portal sessions, logins in
progress in a browser, and, through `user_sessions_ending`, what other channels keep
(trading-platform sessions and pending logins).

Two mechanisms, so that the end holds whatever the session store is:
- the user's portal sessions are deleted from the store, found by the `UserSession`
  index written at login and carried over when the portal rotates a logged-in
  session's key (`session_key_rotate`); any Django session engine, each session is
  deleted through the engine's own `SessionStore` (with `cached_db`, from the cache too);
- `User.sessions_ended_at` is stamped, and every request (accounts.session_limits) and
  every login step (accounts.login_flow) refuses a session or login begun before it, so
  a session the index missed, or a cached copy of one, is refused all the same.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.conf import SESSION_MAX_LIFETIME
from accounts.models import AuditEventType, AuditOutcome, User, UserSession
from accounts.services.audit import audit_record
from accounts.signals import user_sessions_ending


def _session_store_class():
    return import_module(settings.SESSION_ENGINE).SessionStore


@transaction.atomic
def user_session_record(*, user: User, session_key: str) -> None:
    """Index a session that has just logged `user` in, and prune the user's rows older
    than any session can live (SESSION_MAX_LIFETIME). One transaction for both, not one
    each: two statements fewer at every login."""
    now = timezone.now()
    UserSession.objects.filter(user=user, created_at__lt=now - SESSION_MAX_LIFETIME).delete()
    UserSession.objects.bulk_create(
        [UserSession(session_key=session_key, user=user, created_at=now)],
        ignore_conflicts=True,
    )


def session_key_rotate(*, session: SessionBase) -> None:
    """Give `session` a new key, keeping its data (G6: a key seen or planted before stops
    working), through Django's own store. A logged-in session keeps its place in the
    index of its user's sessions under the new key, so that ending them all (G3) still
    finds it. Django's login() rotates on its own, before `user_logged_in` indexes it."""
    old_key = session.session_key
    session.cycle_key()
    if old_key is not None and SESSION_KEY in session:
        UserSession.objects.filter(session_key=old_key).update(session_key=session.session_key)


def user_session_forget(*, session_key: str) -> None:
    """The session was logged out."""
    UserSession.objects.filter(session_key=session_key).delete()


def session_is_authenticated(data: dict) -> bool:
    return SESSION_KEY in data


@transaction.atomic
def user_sessions_end(
    *, user: User, reason: str, actor: User | None, client: ClientInfo
) -> dict[str, int]:
    """End every portal session and pending login of `user` now, and everything that
    the other channels keep for it; audited once with how many of each ended. Returns
    the counts, e.g. {"portal_sessions": 1, "trading_sessions": 2, ...}."""
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(sessions_ended_at=now)
    user.sessions_ended_at = now
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    store_class = _session_store_class()
    portal = 0
    for key in keys:
        if session_is_authenticated(store_class(key).load()):
            portal += 1
        store_class().delete(key)
    UserSession.objects.filter(user=user).delete()
    counts = {"portal_sessions": portal}
    for _receiver, answer in user_sessions_ending.send(
        sender=User, user=user, reason=reason, actor=actor, client=client
    ):
        for what, count in (answer or {}).items():
            counts[what] = counts.get(what, 0) + count
    audit_record(
        event_type=AuditEventType.SESSIONS_ENDED,
        outcome=AuditOutcome.SUCCESS,
        subject=user,
        actor=actor,
        client=client,
        detail={"reason": reason, **counts},
    )
    return counts


def session_was_ended(*, user: User, started_at: float | None) -> bool:
    """Whether a session or login of `user` begun at `started_at` (a POSIX timestamp)
    began before its user's sessions were all ended."""
    if user.sessions_ended_at is None or started_at is None:
        return False
    return started_at < user.sessions_ended_at.timestamp()
