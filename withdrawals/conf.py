"""Defaults of the withdrawals app, in one place."""

from datetime import timedelta
from decimal import Decimal

# A reviewed withdrawal must be approved on the device within this time, once. It matches
# the device challenge's own lifetime (devices.conf.CHALLENGE_TTL), so neither outlives
# the other by much.
INTENT_TTL = timedelta(minutes=3)

# The largest amount a form or the API accepts at all: far above any account here, far
# below what the ledger's Decimal(18, 2) column holds, so nothing absurd reaches a query.
MAX_AMOUNT = Decimal("999999999999.99")

# Withdrawals are in the base currency of every account here.
CURRENCY = "USD"

# Exchange whose calendar decides business days (W2), and where its days begin and end.
EXCHANGE = "NYSE"
EXCHANGE_TIME_ZONE = "America/New_York"
WINDOW_BUSINESS_DAYS = 5

# The idempotency key that names one withdrawal across its retries: the portal draws 24
# random bytes (32 URL-safe characters) when it shows the form; an API client brings its
# own, of 16 to 64 URL-safe characters (a UUID fits).
IDEMPOTENCY_KEY_BYTES = 24
IDEMPOTENCY_KEY_MIN_LENGTH = 16
IDEMPOTENCY_KEY_MAX_LENGTH = 64
