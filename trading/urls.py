"""Mounted at /api/trading/ by the project's urls, under ninja's `trading_api` namespace.
Any other path below it answers in JSON too, so a program never has to parse a page."""

from django.http import HttpRequest, JsonResponse
from django.urls import re_path

from trading.api import api
from trading.errors import TradingError, error_response

ninja_patterns, _ninja_app, app_name = api.urls


def not_found(request: HttpRequest) -> JsonResponse:
    return error_response(TradingError(404, "not_found", "No such call; see /api/trading/docs."))


urlpatterns = [*ninja_patterns, re_path(r"^", not_found)]
