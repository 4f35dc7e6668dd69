"""Test settings: the development defaults plus a fast hasher and a private cache.
One test checks that the production hasher is Argon2."""

from .dev import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SLS_SIMULATORS = True
