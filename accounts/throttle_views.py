"""The answer to a throttled attempt: 429 Too Many Requests with Retry-After, the same for
every user name, existing or not."""

from __future__ import annotations

import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.throttling import Verdict

TOO_MANY_ATTEMPTS = "Too many attempts. Please wait {minutes} before trying again."


def throttled_message(verdict: Verdict) -> str:
    minutes = math.ceil(verdict.retry_after / 60)
    return TOO_MANY_ATTEMPTS.format(minutes="1 minute" if minutes == 1 else f"{minutes} minutes")


def throttled_page(request: HttpRequest, verdict: Verdict) -> HttpResponse:
    response = render(
        request,
        "accounts/throttled.html",
        {"message": throttled_message(verdict)},
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response
