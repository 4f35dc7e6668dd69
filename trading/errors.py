"""Refusals of the trading channel: an HTTP status, a stable code for programs and the
words for people. The API turns each into one JSON body, `{"error": code, "detail": …}`;
so does every error answered below /api/ outside the API's own calls (an unknown path, a
wrong method, a fault), so that a program never has to parse a page."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from accounts.outage import DATABASE_RETRY_AFTER
from accounts.services.login import INVALID_CREDENTIALS, LOGIN_FAILED
from accounts.throttle_views import throttled_message
from accounts.throttling import Verdict
from withdrawals.idempotency import KEY_REUSED

# Everything under this path is for programs: its errors are JSON, never the portal's pages.
API_PATH = "/api/"
NOT_FOUND = "No such call; see /api/trading/docs."
UNAVAILABLE = (
    "The trading platform is temporarily unavailable; nothing was changed. Try again in "
    f"{DATABASE_RETRY_AFTER} seconds."
)


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PATH)


def error_response(
    status: int, code: str, detail: str, *, retry_after: int | None = None
) -> JsonResponse:
    """The API's error body for an answer made outside its calls' own handlers."""
    response = JsonResponse({"error": code, "detail": detail}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def unavailable_response() -> JsonResponse:
    """The database cannot answer (accounts.outage): 503, and when to try again."""
    return error_response(503, "unavailable", UNAVAILABLE, retry_after=DATABASE_RETRY_AFTER)


class TradingError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class Throttled(TradingError):
    """Too many attempts from this address or on this user: 429 with Retry-After."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(429, "throttled", throttled_message(verdict))
        self.retry_after = verdict.retry_after


class PushLimited(TradingError):
    """G7: no more IB Key notifications for this login or user for a while: 429 with
    Retry-After; the offline challenge (fallback) stays open."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(429, "too_many_pushes", message)
        self.retry_after = retry_after


def invalid_credentials() -> TradingError:
    """L2: unknown user, wrong password, inactive or locked user: one answer."""
    return TradingError(401, "invalid_credentials", INVALID_CREDENTIALS)


def login_failed() -> TradingError:
    """L5: a wrong, malformed, replayed or foreign second factor."""
    return TradingError(401, "login_failed", LOGIN_FAILED)


def login_expired() -> TradingError:
    return TradingError(
        401,
        "login_expired",
        "This login is unknown, finished or older than 5 minutes. Start again with your "
        "user name and password.",
    )


def no_device() -> TradingError:
    return TradingError(
        403,
        "no_device",
        "You have no active security device. Log in to Client Portal to enrol one, or call "
        "your regional Client Services Center.",
    )


def unknown_device() -> TradingError:
    return TradingError(404, "unknown_device", "That is not one of your active devices.")


def key_reused() -> TradingError:
    """A withdrawal's idempotency key sent again with another amount or destination."""
    return TradingError(422, "idempotency_key_reused", KEY_REUSED)
