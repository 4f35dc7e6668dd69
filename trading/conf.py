"""Defaults of the trading-platform channel, in one place."""

from datetime import timedelta

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
