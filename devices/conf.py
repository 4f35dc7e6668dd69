"""Defaults of the devices app, in one place."""

from datetime import timedelta

# A challenge shown at login is answerable for this long, once (D2). Three minutes is
# enough to read a card and type a response, and short enough that a response
# overheard or phished is useless soon after.
CHALLENGE_TTL = timedelta(minutes=3)

DSC_PLUS_DEFAULT_SUITE = "OCRA-1:HOTP-SHA256-8:QN06-PSHA1"
DSC_DEFAULT_SUITE = "OCRA-1:HOTP-SHA1-8:QN08"
# IB Key's offline fallback: the app checks its own PIN, then answers an 8-digit challenge.
IB_KEY_SUITE = "OCRA-1:HOTP-SHA256-8:QN08"

# SMS login codes (S1) and activation codes (K1, E1).
SMS_CODE_DIGITS = 6
ACTIVATION_CODE_TTL = timedelta(minutes=10)
ACTIVATION_CODE_MAX_TRIES = 5
# A pending IB Key activation (password, device answer, number, code) lasts this long.
IB_KEY_ACTIVATION_TTL = timedelta(minutes=15)
# An authenticator app being added (F3): the QR code shown stays good this long for the
# first code that confirms it.
AUTHENTICATOR_APP_ENROLMENT_TTL = timedelta(minutes=10)
# A security key's registration (F1), once the fresh answer is given: long enough to find
# the key and read the page, short enough that the challenge is not kept for later.
SECURITY_KEY_REGISTRATION_TTL = timedelta(minutes=5)
# A new SMS code or a voice call per login at most this often, and this many per attempt.
RESEND_INTERVAL = timedelta(seconds=30)
RESENDS_PER_ATTEMPT = 5

# IB Key push requests (K2) wait this long for the phone.
PUSH_TTL = timedelta(minutes=2)
# G7, ASVS 6.6.4 (push bombing): at most this many push requests per login attempt and per
# user within PUSH_LIMIT_WINDOW, counted in the database; past them the phone gets nothing
# more and the login offers the challenge ("Click here if you do not receive the
# notification") or says how long to wait.
PUSH_LIMIT_PER_ATTEMPT = 3
PUSH_LIMIT_PER_USER = 10
PUSH_LIMIT_WINDOW = timedelta(minutes=15)

# One-time-code cards: how far an event counter may run ahead of the server, and how many
# 30-second steps of clock drift a time-based card may have.
HOTP_LOOKAHEAD = 10
TOTP_DRIFT_STEPS = 1

SCC_CELLS = 100
SCC_CODE_DIGITS = 3
