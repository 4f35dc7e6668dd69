"""Client Portal pages of the accounts app: the login steps, the dashboard, logout."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts.client_info import ClientInfo
from accounts.forms import PasswordStepForm
from accounts.http import AuthenticatedHttpRequest
from accounts.login_flow import LoginFlow, safe_next
from accounts.models import AuditEventType, AuditOutcome
from accounts.selectors import account_summary, recent_security_events
from accounts.services.audit import audit_record
from accounts.services.login import INVALID_CREDENTIALS, login_password_check
from accounts.services.throttle import throttle_attempt
from accounts.throttle_views import throttled_page
from devices.decorators import verified_login_required
from devices.enrolment.views import ib_key_invitation_context
from devices.security_keys.views import security_keys_context
from devices.selectors import devices_for_settings
from devices.sharing.rules import sharing_context
from devices.temporary.views import reactivation_context
from devices.views import device_step


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Step one of the login: the password. The device step is the answer to a right
    password, on the same screen, as the card needs the challenge shown there (KB1132)."""
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url)
    form = PasswordStepForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        client = ClientInfo.from_request(request)
        username = form.cleaned_data["username"]
        verdict = throttle_attempt(scope="password", client=client, username=username)
        if not verdict.allowed:
            return throttled_page(request, verdict)
        user = login_password_check(
            username=username, password=form.cleaned_data["password"], client=client
        ).user
        if user is not None:
            flow = LoginFlow(request)
            flow.password_accepted(user)
            return device_step(request, flow, user)
        form.add_error(None, INVALID_CREDENTIALS)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Ends the session on the server, not just in the browser."""
    if request.user.is_authenticated:
        audit_record(
            event_type=AuditEventType.LOGOUT,
            outcome=AuditOutcome.SUCCESS,
            subject=request.user,
            actor=request.user,
            client=ClientInfo.from_request(request),
        )
    auth_logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@verified_login_required
def dashboard_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "accounts/dashboard.html", {"summary": account_summary(request.user)})


@verified_login_required
def secure_login_settings_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/secure_login.html",
        {
            "devices": devices_for_settings(request.user),
            "events": recent_security_events(request.user),
            **ib_key_invitation_context(request),
            **reactivation_context(request),
            **security_keys_context(request.user),
            **sharing_context(request.user),
        },
    )


def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    """Staff sign in through the portal login, with its lockout and audit trail."""
    return redirect_to_login(safe_next(request, default="admin:index"))
