"""The portal's `make serve` settings plus one bare view, the bench's floor."""

from sls_portal.settings.serve import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The load comes from one address, and the same few users log in again and again: the
# throttles would measure themselves, not the login.
SLS_THROTTLE_LIMITS = {
    scope: (1_000_000, 300)
    for scope in ("password_ip", "password_user", "second_factor_ip", "second_factor_user")
}
