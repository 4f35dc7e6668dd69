"""Every portal page needs a session verified by a second factor, not just a password;
pages that change security settings need the account's primary user too (O1)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_otp.decorators import otp_required

from .client_info import ClientInfo
from .selectors import can_change_security_settings, security_settings_editor
from .services.sls import security_settings_refusal_record

verified_login_required = otp_required(login_url="accounts:login")

View = Callable[..., HttpResponse]


def security_settings_required(view: View) -> View:
    """Only the primary user reaches `view` (O1, KB2545); anyone else gets a 403 page that
    names the user who can, whether they opened the page or posted its form directly.
    Use it on every view that changes an account's security settings."""

    @verified_login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if can_change_security_settings(request.user):
            return view(request, *args, **kwargs)
        if request.method == "POST":
            security_settings_refusal_record(
                user=request.user, client=ClientInfo.from_request(request), path=request.path
            )
        return render(
            request,
            "accounts/settings_not_allowed.html",
            {"editor": security_settings_editor(request.user)},
            status=403,
        )

    return wrapper
