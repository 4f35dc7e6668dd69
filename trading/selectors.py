"""Read-side questions about trading sessions."""

from __future__ import annotations

import hashlib
from datetime import datetime

from accounts.models import User
from accounts.permissions import Market, account_permissions
from devices.models import SecurityDevice
from devices.temporary.policy import temporary_full_access_end
from trading.models import TradingSession


def token_digest(token: str) -> str:
    """Tokens are 256-bit random values, so a plain SHA-256 is enough to store them: there
    is nothing to guess, and a lookup by digest needs no per-row salt."""
    return hashlib.sha256(token.encode()).hexdigest()


def trading_window_end(device: SecurityDevice | None) -> datetime | None:
    """When a temporary device stops opening the trading platform (T2: a passcode after 2
    days; T3: an online card after 21); None for permanent devices and password sessions."""
    if device is None or not device.authenticator.kind_behaviour.temporary:
        return None
    return temporary_full_access_end(device.authenticator)


def is_opted_out(user: User) -> bool:
    """L6: the user's account says "Secure Login not required for trading"."""
    account = user.account
    return account is not None and account.sls_opted_out


def session_allows(session: TradingSession) -> list[str]:
    """What this session may do on the channel: trade, Pink Sheet and OTCBB stocks only
    while the account is enrolled in SLS (O3, by `account_permissions`, as the order ticket
    checks it), withdraw within the device's limits; settings stay Client Portal business.
    A user without an account (staff) has nothing to trade or withdraw."""
    user = session.user
    allows = ["session_extend", "logout"]
    account = user.account
    if account is None:
        return allows
    permissions = account_permissions(account)
    restricted = (Market.PINK_SHEET, Market.OTCBB)
    otc = ["trade_pink_sheet_otcbb"] if all(map(permissions.allows_market, restricted)) else []
    return ["trade", *otc, "withdraw", *allows]
