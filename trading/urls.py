"""Mounted at /api/trading/ by the project's urls, under ninja's `trading_api` namespace.
Any other path below it, and any method a call does not take, answers in JSON too, so a
program never has to parse a page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponseBase, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt

from trading.api import api
from trading.errors import NOT_FOUND, error_response

ninja_patterns, _ninja_app, app_name = api.urls


@csrf_exempt
def not_found(request: HttpRequest) -> JsonResponse:
    """Exempt from the CSRF check like the calls themselves: it changes nothing, and a POST
    to a mistyped path is told that the path is wrong."""
    return error_response(404, "not_found", NOT_FOUND)


def json_method_not_allowed(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """ninja answers a method that no operation of a path takes with a plain-text 405;
    this gives the same status and Allow header in the API's JSON shape."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        allowed = response["Allow"]
        answer = error_response(405, "method_not_allowed", f"This call takes {allowed}.")
        answer["Allow"] = allowed
        return answer

    return wrapped


def _answering_405_in_json(pattern: URLPattern | URLResolver) -> URLPattern | URLResolver:
    if not isinstance(pattern, URLPattern):
        return pattern
    return URLPattern(
        pattern.pattern,
        json_method_not_allowed(pattern.callback),
        pattern.default_args,
        pattern.name,
    )


urlpatterns = [*map(_answering_405_in_json, ninja_patterns), re_path(r"^", not_found)]
