"""Logging: Django's plain lines in development, one JSON object per line in production
(accounts.request_log, docs/operations.md). Nothing here imports the portal's code: the
formatter is named by its path and loaded when logging is configured."""

from __future__ import annotations

from typing import Any


def plain_logging(level: str) -> dict[str, Any]:
    """Development: `runserver` prints its own line per request, so the portal's request
    lines stay quiet unless asked for (LOG_LEVEL has no say on them)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"console": {"class": "logging.StreamHandler"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"sls.request": {"level": "WARNING"}},
    }


def json_logging(level: str) -> dict[str, Any]:
    """Production: every line JSON on standard error. The line of each request is written
    whatever LOG_LEVEL says, which sets the level of everything else."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "accounts.request_log.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "sls.request": {"level": "INFO"},
            # Its debug lines carry each query's parameters: never, whatever LOG_LEVEL says.
            "django.db.backends": {"level": "INFO"},
        },
    }
