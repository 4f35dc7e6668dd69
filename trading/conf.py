"""Defaults of the trading-platform channel, in one place."""

from datetime import timedelta
from decimal import Decimal

from accounts import conf as accounts_conf

# K5: after an IB Key push approved with the PIN the session lasts 12 hours, after
# one approved with biometrics 30 hours. Every other way in (a card's response, IB Key's
# offline challenge, whose PIN-or-biometric step happens out of our sight, the password
# alone of an opted-out user, L6) gets the shorter, PIN-like 12 hours.
SESSION_LENGTHS = {
    "pin": timedelta(hours=12),
    "biometric": timedelta(hours=30),
}
DEFAULT_SESSION_LENGTH = timedelta(hours=12)

# The trading channel's pending login (password accepted, device step due) lives as long
# as the portal's.
PENDING_LOGIN_TTL = accounts_conf.PENDING_LOGIN_TTL

# Bearer tokens: 32 random bytes, URL-safe; anything much longer is not one of ours.
TOKEN_BYTES = 32
TOKEN_MAX_LENGTH = 200

# Order tickets (a simulation: recorded, never routed). A ticket above these is a typing
# slip, not an order, and is refused before anything is recorded.
ORDER_MAX_QUANTITY = 1_000_000
ORDER_MAX_LIMIT_PRICE = Decimal("1000000.0000")
# Ticker symbols: ASCII letters and digits, with a share-class suffix (BRK.B, BF-B).
SYMBOL_PATTERN = r"^[A-Za-z0-9]{1,8}([.\-][A-Za-z0-9]{1,4})?$"
SYMBOL_MAX_LENGTH = 13
