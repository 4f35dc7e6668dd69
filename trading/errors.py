"""Refusals of the trading channel: an HTTP status, a stable code for programs and the
words for people. The API turns each into one JSON body, `{"error": code, "detail": …}`."""

from __future__ import annotations

from django.http import JsonResponse

from accounts.services.login import INVALID_CREDENTIALS, LOGIN_FAILED
from accounts.throttle_views import throttled_message
from accounts.throttling import Verdict


class TradingError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(error: TradingError) -> JsonResponse:
    """The JSON body of a refusal made outside the API's views: a path below the API that
    names no call, or a request refused before it reaches the API at all."""
    return JsonResponse({"error": error.code, "detail": error.message}, status=error.status)


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
