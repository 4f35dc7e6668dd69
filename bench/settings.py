"""The portal's `make serve` settings plus one bare view, the bench's floor."""

from sls_portal.settings.serve import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
