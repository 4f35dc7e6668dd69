"""Settings shared by every environment; each value a deployment may change comes from
the environment, so one image runs in development, CI and production."""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from sls_portal.settings.env import env_bool, env_limits, env_list, env_networks, env_str
from sls_portal.settings.logs import plain_logging

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "accounts",
    "devices",
    "orders",
    "withdrawals",
    "ninja",
    "trading",
    "portal",
]
# Device simulators (keypad, cards, phone, inbox) stand in for what a client holds. They
# are an app of their own, installed only when on, so that a database migrated without
# them (production) has none of their tables.
SLS_SIMULATORS = env_bool("SLS_SIMULATORS", False)
if SLS_SIMULATORS:
    INSTALLED_APPS.append("simulators")

# django-prometheus's pair first and last, so that they time and count everything; then the
# request log, which sees every answer; then /healthz, /readyz and /metrics, answered before
# the HTTPS redirect, the host check and sessions (docs/operations.md). The headers'
# middleware run outside those that read the database: an answer made for a fault in one
# of these (a 503 while the session cannot be loaded) passes only the middleware further
# out, and still carries the framing and content policies.
# Control characters are refused before the session is read.
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "accounts.request_log.RequestLogMiddleware",
    "portal.operations.OperationsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "sls_portal.middleware.ControlCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.session_limits.SessionIdleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.session_limits.SessionLifetimeMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "sls_portal.urls"
WSGI_APPLICATION = "sls_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Each worker keeps its connection for a minute, and checks it (a cheap query) before the
# first use in each request: after the database restarts or fails over, the connection it
# dropped is replaced there and then, and no request answers an error for it.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
# With Redis, every server process shares the throttles' counters, the waits between codes
# and, under the cached_db session engine, the sessions' copies. While Redis cannot be
# reached, accounts.cache answers from each alias's FALLBACK: the counters are kept per
# process, sessions are read from the database alone. A Redis that hangs costs a request at
# most these timeouts, once per process every few seconds (accounts.cache.RETRY_AFTER).
# Without Redis each process has its own memory: for development only.
redis_cache = {
    "BACKEND": "accounts.cache.ResilientRedisCache",
    "LOCATION": REDIS_URL,
    "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
}
local_cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
CACHES = {
    "default": redis_cache if REDIS_URL else local_cache,
    "sessions": (
        {**redis_cache, "FALLBACK": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
        if REDIS_URL
        else {**local_cache, "LOCATION": "sessions"}
    ),
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Argon2id first: the hash work for a wrong password and for an unknown user is the same
# call (L2), and new hashes are memory-hard.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NIST SP 800-63B 5.1.1.2: at least 8 characters, at least 64 allowed, no composition
# rules, known and guessable passwords (common lists, the user's own names) refused.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 64}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

# NIST SP 800-63B AAL2 reauthentication: 30 minutes idle (the session is saved, and its
# expiry moved, on every request) and 12 hours in all (accounts.session_limits).
SESSION_COOKIE_AGE = 30 * 60
# Django's own session engines, so sessions end on the server (logout, the limits, G3).
# With Redis, shared by every server, sessions are read from it and written through to the
# database; a process's local-memory cache could still serve a session that another
# process ended, so without Redis they are read from the database.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_SAVE_EVERY_REQUEST = True
# For the cached_db engine: a cache whose fallback keeps no copy (accounts.cache).
SESSION_CACHE_ALIAS = "sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A refused form answers the portal's own page; a refused call below /api/, the API's JSON.
CSRF_FAILURE_VIEW = "portal.error_views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy in every environment, so the browser tests run under the policy
# production sends: scripts and styles only from our own static files (no inline code, no
# event-handler attributes), no plugins, no framing, forms post only to us. Images may be
# data: URIs, which the API's own documentation page uses for its icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# WhiteNoise serves STATIC_ROOT (filled by collectstatic) from the app server itself, so
# gunicorn alone serves a complete portal; in DEBUG it reads the source folders directly.

# Device secrets are encrypted with MultiFernet: the first key encrypts, every key
# decrypts, so a new key can be put in front and old rows re-encrypted at leisure (D4).
DEVICE_SECRET_KEYS = env_list("DEVICE_SECRET_KEYS")
# Grid-card cells are kept only as HMACs under this key, so the database alone cannot
# print a card.
DEVICE_CELL_HMAC_KEY = env_str("DEVICE_CELL_HMAC_KEY", "")

# Overrides of the throttles' defaults (accounts/conf.py THROTTLE_LIMITS), e.g. for a load
# test whose clients all come from one address: `password_ip=1000/300`.
SLS_THROTTLE_LIMITS = env_limits("SLS_THROTTLE_LIMITS")

# Where text messages and voice calls go (devices/gateways/).
SLS_MESSAGE_GATEWAY = env_str("SLS_MESSAGE_GATEWAY", "devices.gateways.console.ConsoleGateway")
SLS_MESSAGE_FILE_PATH = env_str("SLS_MESSAGE_FILE_PATH", str(BASE_DIR / "var" / "messages"))

# Security keys and passkeys (F1, devices/security_keys/). The relying-party id is the
# domain the credentials are bound to (browsers refuse an IP address, so the portal is
# opened as http://localhost:8000 to try one); an assertion is taken only from these origins.
SLS_WEBAUTHN_RP_ID = env_str("SLS_WEBAUTHN_RP_ID", "localhost")
SLS_WEBAUTHN_RP_NAME = env_str("SLS_WEBAUTHN_RP_NAME", "SLS Portal")
SLS_WEBAUTHN_ORIGINS = env_list("SLS_WEBAUTHN_ORIGINS", "http://localhost:8000")

# /healthz, /readyz and /metrics (portal/operations.py, docs/operations.md). /metrics answers
# only requests from these addresses or networks that came through no proxy; everyone
# else gets the portal's 404, as for any page that does not exist.
METRICS_ALLOWED_ADDRESSES = env_networks("METRICS_ALLOWED_ADDRESSES", "127.0.0.1,::1")

LOGGING = plain_logging(env_str("LOG_LEVEL", "INFO"))

# E-mail for portal notices (T6): SMTP in production (EMAIL_HOST, EMAIL_PORT, ... as Django
# reads them), the console in development.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SLS Portal <no-reply@localhost>")
