"""The second step of the login: choose a device (M2FS, L4) and answer it (L5)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.client_info import ClientInfo
from accounts.login_flow import LoginFlow
from accounts.services.lockout import lockout_is_active
from accounts.views import safe_next

from .forms import SecondFactorForm
from .models import SecurityDevice
from .selectors import active_devices, is_new_applicant
from .services.challenges import challenge_issue
from .services.verification import second_factor_verify

LOGIN_FAILED = "Login failed"


@sensitive_post_parameters("response")
@never_cache
@require_http_methods(["GET", "POST"])
def login_device_view(request: HttpRequest) -> HttpResponse:
    flow = LoginFlow(request)
    user = flow.pending_user()
    if user is None:
        messages.info(request, "Please log in again.")
        return redirect("accounts:login")
    devices = active_devices(user)
    if not devices and is_new_applicant(user):
        return redirect("enrolment:start")
    if not devices:
        flow.abandon()
        return render(request, "devices/no_device.html", status=403)
    failed = False
    if request.method == "POST":
        verified = _verify(request, flow, user)
        if verified is not None:
            flow.complete(user, verified)
            return redirect(safe_next(request))
        user.refresh_from_db(fields=["locked_at", "last_failed_login_at"])
        if lockout_is_active(user=user, at=timezone.now()):
            flow.abandon()
            messages.error(request, LOGIN_FAILED)
            return redirect("accounts:login")
        failed = True
    device = _chosen(devices, request.POST.get("device") or request.GET.get("device"))
    challenge = challenge_issue(device=device, attempt=flow.attempt)
    kind = device.authenticator.kind_behaviour
    form = SecondFactorForm(initial={"device": device.pk, "challenge": challenge.pk})
    form.fields["response"].label = kind.response_label
    context = {
        "form": form,
        "devices": devices,
        "device": device,
        "prompt": kind.prompt(challenge.value),
        "challenge": challenge,
        "failed": failed,
        "next": safe_next(request),
    }
    return render(request, "devices/login_device.html", context)


def _verify(request: HttpRequest, flow: LoginFlow, user) -> SecurityDevice | None:
    form = SecondFactorForm(request.POST)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    return second_factor_verify(
        user=user,
        device_id=data.get("device") or 0,
        challenge_id=data.get("challenge"),
        attempt=flow.attempt,
        response=data.get("response", ""),
        client=ClientInfo.from_request(request),
    )


def _chosen(devices: list[SecurityDevice], wanted: str | None) -> SecurityDevice:
    """The device asked for, if it is one of the user's; else the strongest (L4)."""
    by_id = {str(device.pk): device for device in devices}
    return by_id.get(wanted or "", devices[0])
