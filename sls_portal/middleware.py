"""Where a request enters the portal: control characters are refused before anything reads
them."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from accounts.validators import CONTROL_CHARACTERS_MESSAGE, has_control_character
from trading.errors import error_response, is_api_request

logger = logging.getLogger(__name__)


class ControlCharacterMiddleware:
    """A NUL or other control character in the path, the query string, a posted form field
    (its name or value, not a file's contents) or the User-Agent header (the audit trail
    records it) gets a 400 before sessions, authentication or any view read the request:
    PostgreSQL refuses NUL in a text column, and what nobody can type is nobody's input.

    Pages get the portal's page, the API its JSON error. The refusal writes nothing and
    logs where the characters were, never the value."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = _where_control_characters(request)
        if where is None:
            return self.get_response(request)
        logger.warning("Refused a %s request: control characters in its %s.", request.method, where)
        if is_api_request(request):
            return error_response(400, "bad_input", CONTROL_CHARACTERS_MESSAGE)
        return render(request, "400.html", status=400)


def _where_control_characters(request: HttpRequest) -> str | None:
    """The part of the request that holds control characters, if any. The body is read
    last, and only for a posted form: the API's bodies are its schemas' to read (they
    refuse control characters in the fields they parse)."""
    if has_control_character(request.path_info):
        return "path"
    if _holds_control_character(request.GET):
        return "query string"
    if has_control_character(request.META.get("HTTP_USER_AGENT", "")):
        return "User-Agent header"
    if request.method != "POST" or is_api_request(request):
        return None
    if _holds_control_character(request.POST) or any(
        has_control_character(name) for name in request.FILES
    ):
        return "form fields"
    return None


def _holds_control_character(data: QueryDict) -> bool:
    return any(
        has_control_character(key) or any(has_control_character(value) for value in values)
        for key, values in data.lists()
    )
