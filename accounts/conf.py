"""Defaults of the accounts app, in one place (django-otp's conf.py habit)."""

from datetime import timedelta

# L3 (KB1132 §1): ten consecutive failures within any 24 hours lock the user until
# 24 hours have passed since the last unsuccessful attempt.
LOCKOUT_THRESHOLD = 10
LOCKOUT_WINDOW = timedelta(hours=24)
LOCKOUT_DURATION = timedelta(hours=24)

# A password step not followed by the rest of the login within this time is void.
PENDING_LOGIN_TTL = timedelta(minutes=5)

# Longest password the login form hashes; longer input is refused before any hashing so
# that nobody can make the server hash megabytes.
PASSWORD_MAX_LENGTH = 1024

# NIST SP 800-63B AAL2: a portal session ends 12 hours after the login whatever the
# activity (accounts.session_limits); the 30-minute idle end is SESSION_COOKIE_AGE.
SESSION_MAX_LIFETIME = timedelta(hours=12)

# Throttles (accounts/throttling.py): attempts per fixed window, counted in the shared
# cache per client IP address and per user name or user, whether or not the user exists.
# They stop fast guessing and hashing floods; the L3 lockout above stays the rule for a
# user. Per-user limits sit above the lockout threshold, so a lock is reached first and
# reads as a lock. A deployment may override any entry with settings.SLS_THROTTLE_LIMITS,
# e.g. {"password_ip": (300, 300)}: (attempts, seconds).
THROTTLE_LIMITS = {
    "password_ip": (30, 300),
    "password_user": (20, 300),
    "second_factor_ip": (60, 300),
    "second_factor_user": (20, 300),
    "activation_ip": (30, 300),
    "activation_user": (20, 300),
    # The support desk's identification check (T1): per client, so that nobody can guess
    # an SSN or a date of birth through the passcode form; per agent address, so that one
    # desk cannot sweep many clients. Counted apart from the login's counters: it never
    # locks the client out.
    "identification_ip": (60, 3600),
    "identification_user": (5, 3600),
}
