"""`make serve` and the load tests: the production settings, unchanged unless
SLS_LOCAL_HTTP=true, which lets the portal be tried over plain HTTP on this machine.

Production forces HTTPS and cookies that browsers only send over HTTPS (Secure, __Host-),
so a local run without TLS could not keep a session. The switch lives here, not in
production.py, so a deployment that points at the production settings can never turn it
on; and it is off by default even here."""

from sls_portal.settings.env import env_bool
from sls_portal.settings.production import *  # noqa: F403

SLS_LOCAL_HTTP = env_bool("SLS_LOCAL_HTTP", False)

if SLS_LOCAL_HTTP:
    SECURE_SSL_REDIRECT = False
    SECURE_HSTS_SECONDS = 0
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "sessionid"
    CSRF_COOKIE_NAME = "csrftoken"
