"""Production: every secret from the environment, HTTPS only, hardened cookies.
`DJANGO_SETTINGS_MODULE=sls_portal.settings.production manage.py check --deploy` is clean."""

from django.core.exceptions import ImproperlyConfigured

from sls_portal.settings.base import *  # noqa: F403
from sls_portal.settings.base import (
    DEBUG,
    DEVICE_CELL_HMAC_KEY,
    DEVICE_SECRET_KEYS,
    SECRET_KEY,
    SLS_SIMULATORS,
)
from sls_portal.settings.env import env_bool, env_list, env_str
from sls_portal.settings.logs import json_logging

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters.")
if not DEVICE_SECRET_KEYS or not DEVICE_CELL_HMAC_KEY:
    raise ImproperlyConfigured("Set DEVICE_SECRET_KEYS and DEVICE_CELL_HMAC_KEY.")

# The device simulators play the client's cards and phone: not part of a deployment, so
# neither their app nor their tables are ever there (base.py installs them only when on).
if SLS_SIMULATORS:
    raise ImproperlyConfigured("SLS_SIMULATORS must be off in production.")

# G7: codes never reach a log. The console and file gateways write every text message, its
# code included, to standard output or a file; they are refused here unless asked for by
# name (a trial on one's own machine). The default keeps messages in the database outbox,
# which only the phone simulator reads; a real SMS provider is a class of its own.
SLS_MESSAGE_GATEWAY = env_str("SLS_MESSAGE_GATEWAY", "devices.gateways.outbox.OutboxGateway")
SLS_ALLOW_INSECURE_MESSAGE_GATEWAY = env_bool("SLS_ALLOW_INSECURE_MESSAGE_GATEWAY", False)
LOGGING_MESSAGE_GATEWAYS = {
    "devices.gateways.console.ConsoleGateway",
    "devices.gateways.file.FileGateway",
}
if SLS_MESSAGE_GATEWAY in LOGGING_MESSAGE_GATEWAYS and not SLS_ALLOW_INSECURE_MESSAGE_GATEWAY:
    raise ImproperlyConfigured(
        f"SLS_MESSAGE_GATEWAY={SLS_MESSAGE_GATEWAY} writes the codes it sends to a log or a "
        "file. Use a gateway that delivers them, or set SLS_ALLOW_INSECURE_MESSAGE_GATEWAY=true "
        "for a trial on your own machine."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# One JSON line per request and per log record, with the request id (docs/operations.md).
LOGGING = json_logging(env_str("LOG_LEVEL", "INFO"))

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The __Host- prefix makes the browser refuse the cookie unless it is Secure, has Path=/
# and no Domain: no sibling host or plain-HTTP page can set or shadow it.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None
# Strict: no request started by another site carries the session, so a link or form
# elsewhere cannot act as the user. The cost: a portal link followed from an e-mail or
# another site opens the login page first, and the login sends the user on to it.
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
