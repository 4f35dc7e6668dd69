"""Every portal page needs a session verified by a second factor, not just a password,
and what that session may open is decided again on every request; pages that change
security settings need the account's primary user too (O1).

A session opened with a temporary device (T2, T3) is only as good as the device is now:
the passcode's full window may close mid-session, a reactivated permanent device ends
the temporary ones (T4). So the scope is never stored in the session; it is computed here,
the one place, from the device that verified the session: one query for its card.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_otp.decorators import otp_required

from accounts.client_info import ClientInfo
from accounts.selectors import can_change_security_settings, security_settings_editor
from accounts.services.security_settings import security_settings_refusal_record
from devices.temporary.access import access_refused_record, device_access
from devices.temporary.policy import FULL, Access, Channel, Scope

View = Callable[..., HttpResponse]


def session_access(request: HttpRequest) -> Access:
    """What the verified session of `request` may open now, on the Client Portal."""
    device = request.user.otp_device
    if getattr(device, "authenticator_id", None) is None:
        return FULL
    return device_access(authenticator=device.authenticator, channel=Channel.PORTAL)


def _scoped(view: View, *, online_card_page: bool) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        access = session_access(request)
        if not access.allowed:
            user, device = request.user, request.user.otp_device
            access_refused_record(
                user=user,
                authenticator=device.authenticator,
                channel=Channel.PORTAL,
                access=access,
                step="session",
                client=ClientInfo.from_request(request),
            )
            auth_logout(request)
            messages.error(request, access.message)
            return redirect("accounts:login")
        if access.scope == Scope.ONLINE_CARD_ONLY and not online_card_page:
            messages.info(request, access.message)
            return redirect("devices:online_card")
        request.session_access = access
        return view(request, *args, **kwargs)

    return otp_required(wrapped, login_url="accounts:login")


def verified_login_required(view: View) -> View:
    """A portal page: a verified session with full access."""
    return _scoped(view, online_card_page=False)


def online_card_login_required(view: View) -> View:
    """The online security card's pages, open also to a session whose temporary passcode
    now opens only the card (T2's last 10 days)."""
    return _scoped(view, online_card_page=True)


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
