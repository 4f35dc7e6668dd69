"""Read-side questions about trading sessions."""

from __future__ import annotations

import hashlib
from datetime import datetime

from accounts.models import User
from devices.models import SecurityDevice
from devices.temporary import ONLINE_CARD_FULL_ACCESS, PASSCODE_FULL_ACCESS

from .models import TradingSession


def token_digest(token: str) -> str:
    """Tokens are 256-bit random values, so a plain SHA-256 is enough to store them: there
    is nothing to guess, and a lookup by digest needs no per-row salt."""
    return hashlib.sha256(token.encode()).hexdigest()


def trading_window_end(device: SecurityDevice | None) -> datetime | None:
    """When a temporary device stops opening the trading platform (T2: a passcode after 2
    days; T3: an online card after 21); None for permanent devices and password sessions."""
    if device is None or not device.authenticator.kind_behaviour.temporary:
        return None
    authenticator = device.authenticator
    start = authenticator.activated_at or authenticator.created_at
    if authenticator.kind == "online_card":
        return start + ONLINE_CARD_FULL_ACCESS
    return start + PASSCODE_FULL_ACCESS


def is_opted_out(user: User) -> bool:
    """L6: the user's account says "Secure Login not required for trading"."""
    return user.account_id is not None and user.account.sls_opted_out


def session_allows(session: TradingSession) -> list[str]:
    """What this session may do on the channel. Opted-out clients cannot trade Pink Sheet or
    OTCBB stocks (O3); withdrawals and settings are Client Portal business."""
    allows = ["trade", "session_extend", "logout"]
    if not is_opted_out(session.user):
        allows.insert(1, "trade_pink_sheet_otcbb")
    return allows
