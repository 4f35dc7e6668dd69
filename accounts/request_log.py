"""One log line per request, and a request id that every line of the request carries, so
that a support agent can follow one client's login across workers (docs/operations.md).

The line says what happened, never what was typed: the method, the path without its
query string, the status, the time taken, the request id, the user when known and the
audit events the request committed. No form field, header, cookie or body is read, so no
password, code or token can reach it. Production writes every line as JSON
(`JsonFormatter`, sls_portal/settings/logs.py); development keeps Django's plain lines.

The user is the signed-in user, else the one the request acted on: the subject of an audit
event it wrote (the user whose password was just tried), or the trading session's user.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.core.signals import request_finished
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

logger = logging.getLogger("sls.request")

REQUEST_ID_HEADER = "X-Request-ID"
# An id from the proxy in front is kept when it is plainly an id: a uuid, a hex string, a
# trace id. Anything else (too long, spaces, quotes, control characters) is replaced.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{8,64}")
PATH_MAX_LENGTH = 256
METHOD_MAX_LENGTH = 16


@dataclass
class RequestContext:
    request_id: str
    user_id: int | None = None
    events: list[str] = field(default_factory=list)


_current: ContextVar[RequestContext | None] = ContextVar("sls_request", default=None)


def current_request_id() -> str | None:
    context = _current.get()
    return context.request_id if context else None


def request_user_note(*, user_id: int | None) -> None:
    """The user this request acts on, for its log line when nobody is signed in; the first
    one named stays."""
    context = _current.get()
    if context is not None and context.user_id is None:
        context.user_id = user_id


def request_event_noted(*, event_type: str) -> None:
    """An audit event written by this request, shown on its log line once committed."""
    context = _current.get()
    if context is not None:
        transaction.on_commit(lambda: context.events.append(event_type))


class RequestLogMiddleware:
    """First in MIDDLEWARE after django-prometheus's, so that it times the whole stack and
    sees the final status, the portal's error pages included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = RequestContext(request_id=_request_id(request))
        _current.set(context)
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = context.request_id
        _log(request, response, context, started)
        return response


@receiver(request_finished, dispatch_uid="accounts.request_context_end")
def _request_context_end(**kwargs: object) -> None:
    """The id stays on until the response is closed, not just until this middleware
    returns: Django logs a 4xx or 5xx answer (django.request) after the whole stack."""
    _current.set(None)


class JsonFormatter(logging.Formatter):
    """Every record as one JSON object on one line: time (UTC), level, logger, message, the
    request id when inside a request, the fields passed with `extra` that are plain values,
    and the traceback of an exception. Values that are objects (django.request passes the
    request itself) are left out rather than printed: their text may hold a query string."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            entry["request_id"] = request_id
        entry.update(
            (key, value)
            for key, value in vars(record).items()
            if key not in RECORD_ATTRIBUTES and _is_plain(value)
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry)


RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def _is_plain(value: object) -> bool:
    if isinstance(value, list | tuple):
        return all(isinstance(item, str) for item in value)
    return value is None or isinstance(value, str | int | float | bool)


def _request_id(request: HttpRequest) -> str:
    offered = request.META.get("HTTP_X_REQUEST_ID", "")
    return offered if REQUEST_ID_PATTERN.fullmatch(offered) else uuid.uuid4().hex


def _log(
    request: HttpRequest, response: HttpResponse, context: RequestContext, started: float
) -> None:
    status = response.status_code
    method = (request.method or "")[:METHOD_MAX_LENGTH]
    path = request.path[:PATH_MAX_LENGTH]
    logger.info(
        "%s %s %s",
        method,
        path,
        status,
        extra={
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": _user_id(request, context),
            "outcome": "ok" if status < 400 else "refused" if status < 500 else "error",
            "events": context.events,
        },
    )


def _user_id(request: HttpRequest, context: RequestContext) -> int | None:
    """The signed-in user if the stack already looked them up, else the user noted. The
    log never looks a user up itself: no query of its own, and nothing to fail when the
    database is down."""
    user = vars(request).get("user")
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return context.user_id
    return int(user.pk) if user.is_authenticated else context.user_id
