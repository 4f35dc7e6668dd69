"""Test settings: the development defaults with a fast hasher (one test checks that the
production hasher is Argon2). The cache is Redis when REDIS_URL is set, as in CI."""

from sls_portal.settings.dev import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SLS_SIMULATORS = True
SLS_MESSAGE_GATEWAY = "devices.gateways.locmem.LocmemGateway"
