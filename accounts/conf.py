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
