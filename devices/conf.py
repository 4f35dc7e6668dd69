"""Defaults of the devices app, in one place."""

from datetime import timedelta

# A challenge shown at login is answerable for this long, once (D2). Three minutes is
# enough to read a card and type a response, and short enough that a response
# overheard or phished is useless soon after.
CHALLENGE_TTL = timedelta(minutes=3)

DSC_PLUS_DEFAULT_SUITE = "OCRA-1:HOTP-SHA256-8:QN06-PSHA1"
DSC_DEFAULT_SUITE = "OCRA-1:HOTP-SHA1-8:QN08"

# One-time-code cards: how far an event counter may run ahead of the server, and how many
# 30-second steps of clock drift a time-based card may have.
HOTP_LOOKAHEAD = 10
TOTP_DRIFT_STEPS = 1

SCC_CELLS = 100
SCC_CODE_DIGITS = 3
