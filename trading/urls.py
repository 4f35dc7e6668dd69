"""Mounted at /api/trading/ by the project's urls, under ninja's `trading_api` namespace.
Any other path below it answers in JSON too, so a program never has to parse a page."""

from django.http import HttpRequest, JsonResponse
from django.urls import re_path

from trading.api import api

ninja_patterns, _ninja_app, app_name = api.urls


def not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {"error": "not_found", "detail": "No such call; see /api/trading/docs."}, status=404
    )


urlpatterns = [*ninja_patterns, re_path(r"^", not_found)]
