"""Local development and the demo served by `make run`: fixed throwaway keys so that a fresh
checkout runs with no configuration. Never used for a real deployment."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-insecure-secret-key-change-me-0123456789abcdef")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SLS_SIMULATORS", "true")
# The simulators' phone inbox reads the outbox.
os.environ.setdefault("SLS_MESSAGE_GATEWAY", "devices.gateways.outbox.OutboxGateway")
# Fernet keys are 32 url-safe base64 bytes; this one is public and for demo data only.
os.environ.setdefault("DEVICE_SECRET_KEYS", "ZGV2LW9ubHktZGV2aWNlLXNlY3JldC1rZXktMDAwMDA=")
os.environ.setdefault("DEVICE_CELL_HMAC_KEY", "dev-only-card-cell-key")
# Portal notices' e-mails are printed, not sent.
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

from sls_portal.settings.base import *  # noqa: E402,F403
