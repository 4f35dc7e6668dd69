"""Pending logins of the trading channel, kept in the database so that every server process
can continue one. The client holds a random login id; the row keeps only its digest."""

from __future__ import annotations

import secrets

from django.utils import timezone

from accounts.models import User
from accounts.request_log import request_user_note
from trading import conf
from trading.errors import login_expired
from trading.models import PendingTradingLogin, TradingSession
from trading.selectors import token_digest


def pending_open(
    *, user: User, session: TradingSession | None = None
) -> tuple[str, PendingTradingLogin]:
    """A new pending login and the id to give the client. Expired rows of any user go at the
    same time (one statement), so the table stays small without a cron job."""
    now = timezone.now()
    PendingTradingLogin.objects.filter(expires_at__lte=now).delete()
    if session is not None:
        PendingTradingLogin.objects.filter(session=session).delete()
    login_id = secrets.token_urlsafe(conf.TOKEN_BYTES)
    pending = PendingTradingLogin.objects.create(
        user=user,
        session=session,
        digest=token_digest(login_id),
        attempt=secrets.token_urlsafe(24),
        created_at=now,
        expires_at=now + conf.PENDING_LOGIN_TTL,
    )
    return login_id, pending


def pending_find(login_id: str) -> PendingTradingLogin:
    """The live pending login (not a session's re-authentication) of this id."""
    pending = None
    if 0 < len(login_id) <= conf.TOKEN_MAX_LENGTH:
        pending = (
            PendingTradingLogin.objects.select_related("user")
            .filter(
                digest=token_digest(login_id),
                session__isnull=True,
                expires_at__gt=timezone.now(),
                user__is_active=True,
            )
            .first()
        )
    if pending is None:
        raise login_expired()
    request_user_note(user_id=pending.user_id)
    return pending
