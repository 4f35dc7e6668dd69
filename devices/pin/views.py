"""Changing the DSC+ PIN on Settings → Secure Login System (T8, KB1018): the card answers a
challenge with its current PIN, then the new PIN is typed twice."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.client_info import ClientInfo
from devices.decorators import verified_login_required
from devices.flows.device_step import Refusal
from devices.pin.forms import PinChangeForm
from devices.pin.services import (
    WRONG_RESPONSE,
    device_pin_change,
    pin_card_devices,
    pin_change_challenge,
)

ATTEMPT_KEY = "sls_pin_change_attempt"
PIN_CHANGED = "Your card's PIN has been changed. Use the new PIN from now on."
LOCKED = "Too many failed attempts: your user is locked. Please call Client Services."


@sensitive_post_parameters("pin", "pin_again", "response")
@verified_login_required
@never_cache
@require_http_methods(["GET", "POST"])
def pin_change_view(request: HttpRequest) -> HttpResponse:
    devices = pin_card_devices(request.user)
    if not devices:
        return render(request, "devices/pin_change.html", {"devices": devices})
    form = PinChangeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        outcome = device_pin_change(
            user=request.user,
            device_id=form.cleaned_data["device"],
            challenge_id=form.cleaned_data["challenge"],
            attempt=request.session.get(ATTEMPT_KEY, ""),
            response=form.cleaned_data["response"],
            new_pin=form.cleaned_data["pin"],
            client=ClientInfo.from_request(request),
        )
        if outcome.accepted:
            request.session.pop(ATTEMPT_KEY, None)
            messages.success(request, PIN_CHANGED)
            return redirect("accounts:secure_login")
        if outcome.locked or outcome.refusal == Refusal.LOCKED:
            logout(request)
            messages.error(request, LOCKED)
            return redirect("accounts:login")
        form.add_error(None, outcome.message or WRONG_RESPONSE)
    device = next((d for d in devices if str(d.pk) == request.GET.get("device")), devices[0])
    attempt = secrets.token_urlsafe(24)
    request.session[ATTEMPT_KEY] = attempt
    challenge = pin_change_challenge(user=request.user, device_id=device.pk, attempt=attempt)
    # Each try gets a fresh challenge (the last one is spent), so the form starts again and
    # the errors of the last try are shown above it; typed PINs are never echoed back.
    return render(
        request,
        "devices/pin_change.html",
        {
            "devices": devices,
            "device": device,
            "challenge": challenge,
            "form": PinChangeForm(initial={"device": device.pk, "challenge": challenge.pk}),
            "errors": _messages(form),
        },
    )


def _messages(form: PinChangeForm) -> list[str]:
    if not form.is_bound:
        return []
    return [
        message if field == "__all__" else f"{form.fields[field].label}: {message}"
        for field, messages_ in form.errors.items()
        for message in messages_
    ]
