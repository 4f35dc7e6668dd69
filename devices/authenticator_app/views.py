"""Settings → Secure Login System → Add an authenticator app (F3, G2): a name and a fresh
answer from a permanent device, then the QR code and the app's first code. The pending
enrolment is a row; the session only remembers which one this browser started."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.client_info import ClientInfo
from accounts.http import AuthenticatedHttpRequest
from accounts.services.throttle import throttle_attempt
from accounts.throttle_views import throttled_page
from devices.authenticator_app.forms import AppNameForm, FirstCodeForm
from devices.authenticator_app.services import (
    ACTION,
    ENROLMENT_OVER,
    authenticator_app_enrolment_confirm,
    authenticator_app_enrolment_start,
    authenticator_app_pending,
)
from devices.decorators import verified_login_required
from devices.fresh_factor import FreshFactorStep
from devices.qr import qr_svg
from devices.services.on_record import activation_refusal_audit

SESSION_KEY = "sls_authenticator_app_enrolment"
ADDED = 'Your authenticator app "{name}" is added: its codes now answer for your user.'


@sensitive_post_parameters("response")
@never_cache
@require_http_methods(["GET", "POST"])
@verified_login_required
def app_start_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The name and the fresh answer; a user without a permanent device is refused (G2)."""
    step = FreshFactorStep(request, ACTION)
    if not step.available:
        return _no_permanent_device(request)
    form = AppNameForm(request.POST if request.method == "POST" else None, user=request.user)
    if form.is_valid():
        proof = step.verify()
        if proof is not None:
            try:
                enrolment = authenticator_app_enrolment_start(
                    user=request.user, name=form.cleaned_data["name"], fresh_factor=proof
                )
            except ValidationError as refused:
                form.add_error("name", refused)
            else:
                request.session[SESSION_KEY] = enrolment.pk
                return redirect("authenticator_app:confirm")
        locked = step.locked_out_response()
        if locked is not None:
            return locked
    return render(request, "devices/authenticator_app/start.html", {"form": form, **step.context()})


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
@verified_login_required
def app_confirm_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The QR code and the secret, then the first code. Each code typed is an activation
    attempt, throttled as the other activations are."""
    pending = authenticator_app_pending(
        user=request.user, enrolment_id=request.session.get(SESSION_KEY)
    )
    if pending is None:
        return _start_again(request)
    if request.method == "POST":
        client = ClientInfo.from_request(request)
        verdict = throttle_attempt(scope="activation", client=client, user=request.user)
        if not verdict.allowed:
            return throttled_page(request, verdict)
    form = FirstCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            device = authenticator_app_enrolment_confirm(
                user=request.user,
                enrolment_id=pending.enrolment.pk,
                code=form.cleaned_data["code"],
                client=ClientInfo.from_request(request),
            )
        except ValidationError as refused:
            if refused.code == "over":
                return _start_again(request)
            form.add_error("code", refused)
        else:
            request.session.pop(SESSION_KEY, None)
            messages.success(request, ADDED.format(name=device.name))
            return redirect("accounts:secure_login")
    context = {"form": form, "pending": pending, "qr_svg": qr_svg(pending.uri)}
    return render(request, "devices/authenticator_app/confirm.html", context)


def _no_permanent_device(request: AuthenticatedHttpRequest) -> HttpResponse:
    """403 with what to do; an attempt to post anyway is audited (G2)."""
    if request.method == "POST":
        activation_refusal_audit(
            user=request.user,
            action=ACTION,
            reason="no_permanent_device",
            client=ClientInfo.from_request(request),
        )
    return render(request, "devices/authenticator_app/refused.html", status=403)


def _start_again(request: AuthenticatedHttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    messages.error(request, ENROLMENT_OVER)
    return redirect("authenticator_app:start")
