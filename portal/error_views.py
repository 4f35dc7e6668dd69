"""The answers to errors, for the whole site (handler400 to handler500 in the project's
urls, and CSRF_FAILURE_VIEW): the portal's own pages in its layout, saying what happened
in plain words and never what failed inside; below /api/, the trading API's JSON instead.

A database that cannot answer (accounts.outage) is not a server error: the request's
transaction was discarded, so the answer is 503, "nothing was changed", with Retry-After.
Django turns an exception into a response at each middleware it passes, so an error
raised before the view (the session or the user being loaded) never reaches a middleware
further out; every one of them reaches `server_error`, while the exception is still being
handled, which is why the outage is recognised there, from `sys.exc_info()`."""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template import loader
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure

from accounts.outage import DATABASE_RETRY_AFTER, database_unavailable
from trading.errors import NOT_FOUND, error_response, is_api_request, unavailable_response

UNAVAILABLE_TEMPLATE = "503.html"


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponseBase:
    if is_api_request(request):
        return error_response(400, "bad_request", "The request could not be read.")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponseBase:
    if is_api_request(request):
        return error_response(403, "forbidden", "This call is not allowed.")
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponseBase:
    if is_api_request(request):
        return error_response(404, "not_found", NOT_FOUND)
    return defaults.page_not_found(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponseBase:
    """The page (403_csrf.html) says to reload the form and try again; the reason is
    Django's, for the log only."""
    if is_api_request(request):
        return error_response(403, "forbidden", "This call is not allowed.")
    return django_csrf_failure(request, reason)


def server_error(request: HttpRequest) -> HttpResponseBase:
    """Like Django's own, the pages are rendered from the template alone, with no request
    context: the context processors would load the user, which may be what failed."""
    if database_unavailable(sys.exc_info()[1]):
        return _unavailable(request)
    if is_api_request(request):
        return error_response(
            500, "server_error", "The call failed on our side. The fault has been logged."
        )
    return defaults.server_error(request)


def _unavailable(request: HttpRequest) -> HttpResponseBase:
    if is_api_request(request):
        return unavailable_response()
    page = loader.get_template(UNAVAILABLE_TEMPLATE).render({"retry_after": DATABASE_RETRY_AFTER})
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response
