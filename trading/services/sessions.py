"""Trading sessions: opened by a complete login, checked on every request, extended by a
fresh authentication (K5), ended by logout or when what opened them stops working."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from accounts.services.lockout import lockout_is_active
from devices.models import Authenticator, SecurityDevice
from devices.temporary.access import access_refused_record
from devices.temporary.policy import Channel, temporary_access
from trading import conf
from trading.errors import TradingError
from trading.models import ApprovalMethod, TradingSession
from trading.selectors import is_opted_out, token_digest, trading_window_end


@dataclass(frozen=True)
class OpenedSession:
    """A new session and its token, which exists in clear only in this answer."""

    session: TradingSession
    token: str


def session_expiry(*, device: SecurityDevice | None, method: str, at: datetime) -> datetime:
    """K5's length for `method` from `at`, cut at a temporary device's trading window."""
    end = at + conf.SESSION_LENGTHS.get(method, conf.DEFAULT_SESSION_LENGTH)
    window_end = trading_window_end(device)
    return min(end, window_end) if window_end else end


@transaction.atomic
def trading_session_start(
    *, user: User, device: SecurityDevice | None, method: ApprovalMethod, client: ClientInfo
) -> OpenedSession:
    """Open a session after a complete login; only the token's digest is stored."""
    now = timezone.now()
    token = secrets.token_urlsafe(conf.TOKEN_BYTES)
    session = TradingSession.objects.create(
        user=user,
        device=device,
        token_digest=token_digest(token),
        approval_method=method,
        created_at=now,
        authenticated_at=now,
        expires_at=session_expiry(device=device, method=method, at=now),
    )
    _audit(session, AuditEventType.TRADING_SESSION_STARTED, client)
    return OpenedSession(session=session, token=token)


def trading_session_check(*, token: str, client: ClientInfo) -> TradingSession:
    """The live session of a bearer token, or a refusal saying why. What opened the session
    must still hold: the device active (T4 ends temporary devices, support may report a card
    lost), a temporary device inside its trading window (T2, T3), an opted-out account still
    opted out (L6). A session failing one of these is ended, not just refused."""
    digest = token_digest(token) if 0 < len(token) <= conf.TOKEN_MAX_LENGTH else ""
    session = (
        TradingSession.objects.select_related("user__account", "device__authenticator")
        .filter(token_digest=digest)
        .first()
        if digest
        else None
    )
    if session is None or not hmac.compare_digest(session.token_digest, digest):
        raise TradingError(401, "invalid_token", "This is not a trading session token.")
    if session.ended_at is not None:
        raise TradingError(
            401, "session_ended", "This session has ended (logged out or revoked). Log in again."
        )
    now = timezone.now()
    if now >= session.expires_at:
        raise TradingError(401, "session_expired", "This session has expired. Log in again.")
    _still_allowed(session, now, client)
    return session


@transaction.atomic
def trading_session_end(
    *, session: TradingSession, reason: str, client: ClientInfo, actor: User | None = None
) -> bool:
    """End a session (logout, support's revocation, or what opened it stopped working);
    False if it had already ended. `actor` is the agent when support revokes it."""
    ended = TradingSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=reason
    )
    if ended:
        session.refresh_from_db(fields=["ended_at", "end_reason"])
        _audit(session, AuditEventType.TRADING_SESSION_ENDED, client, actor=actor, reason=reason)
    return bool(ended)


def trading_session_end_if_locked(*, session: TradingSession, client: ClientInfo) -> bool:
    """L3: a wrong answer on this session (extension, withdrawal step-up) that completed a
    lockout ends the session, as the portal logs the user out; True if it did."""
    user = session.user
    user.refresh_from_db(fields=["locked_at", "last_failed_login_at"])
    if not lockout_is_active(user=user, at=timezone.now()):
        return False
    trading_session_end(session=session, reason="locked", client=client)
    return True


@transaction.atomic
def trading_session_prolong(
    *,
    session: TradingSession,
    device: SecurityDevice | None,
    method: ApprovalMethod,
    client: ClientInfo,
) -> TradingSession:
    """K5: a fresh authentication within the period runs the session's full length again
    from now (never shortening it)."""
    session = TradingSession.objects.select_for_update().get(pk=session.pk)
    now = timezone.now()
    session.expires_at = max(
        session.expires_at, session_expiry(device=device, method=method, at=now)
    )
    session.authenticated_at = now
    session.approval_method = method
    session.save(update_fields=["expires_at", "authenticated_at", "approval_method"])
    _audit(session, AuditEventType.TRADING_SESSION_EXTENDED, client)
    return session


def _still_allowed(session: TradingSession, now: datetime, client: ClientInfo) -> None:
    user, device = session.user, session.device
    if not user.is_active:
        _end_and_refuse(session, client, "user_inactive", "This user can no longer log in.")
    if device is None:
        if not is_opted_out(user):
            _end_and_refuse(
                session,
                client,
                "sls_required",
                "Your account uses the Secure Login System for trading again. Log in with "
                "your security device.",
            )
        return
    if not device.confirmed or device.authenticator.state != Authenticator.State.ACTIVE:
        _end_and_refuse(
            session,
            client,
            "device_inactive",
            "The security device this session was opened with no longer works. Log in "
            "again with an active device.",
        )
    access = temporary_access(authenticator=device.authenticator, channel=Channel.TRADING, at=now)
    if not access.allowed:
        if trading_session_end(session=session, reason="temporary_window", client=client):
            access_refused_record(
                user=user,
                authenticator=device.authenticator,
                channel=Channel.TRADING,
                access=access,
                step="session",
                client=client,
            )
        raise TradingError(403, "access_refused", access.message)


def _end_and_refuse(session: TradingSession, client: ClientInfo, code: str, message: str) -> None:
    trading_session_end(session=session, reason=code, client=client)
    raise TradingError(401, code, message)


def _audit(
    session: TradingSession,
    event_type: AuditEventType,
    client: ClientInfo,
    actor: User | None = None,
    **detail: object,
) -> None:
    audit_record(
        event_type=event_type,
        outcome=AuditOutcome.SUCCESS,
        subject=session.user,
        actor=actor or session.user,
        client=client,
        detail={
            "session": session.pk,
            "method": session.approval_method,
            "device": session.device.authenticator.serial if session.device else "",
            "expires_at": session.expires_at.isoformat(),
            **detail,
        },
    )
