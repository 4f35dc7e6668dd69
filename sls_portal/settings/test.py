"""Test settings: the development defaults with a fast hasher (one test checks that the
production hasher is Argon2). The cache is Redis when REDIS_URL is set, as in CI."""

import os

# The tests play the cards and the phone: the simulators are installed whatever the
# environment says (base.py installs their app from this variable).
os.environ["SLS_SIMULATORS"] = "true"

from sls_portal.settings.dev import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SLS_MESSAGE_GATEWAY = "devices.gateways.locmem.LocmemGateway"
