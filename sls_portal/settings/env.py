"""Small readers for settings that come from the environment."""

import ipaddress
import os

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_limits(name: str) -> dict[str, tuple[int, int]]:
    """Limits written `password_ip=1000/300,password_user=20/300`: attempts per seconds."""
    limits = {}
    for item in env_list(name):
        scope, _, value = item.partition("=")
        attempts, _, seconds = value.partition("/")
        if not (attempts.isdigit() and seconds.isdigit()):
            raise ImproperlyConfigured(f"{name}: write {scope}=ATTEMPTS/SECONDS, not {item!r}.")
        limits[scope.strip()] = (int(attempts), int(seconds))
    return limits


def env_networks(name: str, default: str) -> list[str]:
    """Addresses or networks written `127.0.0.1,::1,10.0.0.0/8`, each checked here so that
    a typo stops the start rather than the first request that needs it."""
    entries = env_list(name, default)
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as error:
            raise ImproperlyConfigured(
                f"{name}: {entry!r} is not an IP address or network."
            ) from error
    return entries
