"""The trading channel's part of ending every session of a user (G3)."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone

from accounts.signals import user_sessions_ending
from trading.models import PendingTradingLogin, TradingSession
from trading.services.sessions import trading_session_end


@receiver(user_sessions_ending, dispatch_uid="trading.sessions_end")
def trading_sessions_end(sender, *, user, reason, actor, client, **kwargs) -> dict[str, int]:
    """End every live trading session of `user` (each audited) and drop its pending
    logins and re-authentications, so none of them can complete."""
    live = TradingSession.objects.select_related("device__authenticator", "user").filter(
        user=user, ended_at__isnull=True, expires_at__gt=timezone.now()
    )
    ended = sum(
        trading_session_end(session=session, reason=reason, client=client, actor=actor)
        for session in live
    )
    pending, _ = PendingTradingLogin.objects.filter(user=user).delete()
    return {"trading_sessions": ended, "trading_pending_logins": pending}
