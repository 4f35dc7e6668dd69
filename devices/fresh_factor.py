"""The device step inside a settings page: show a challenge of one of the user's devices
and check the answer posted with the page's own form (O2, O3). Pages include
`devices/_fresh_factor_chooser.html` before their form and `devices/_fresh_factor.html`
inside it."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.services.lockout import lockout_is_active

from .forms import SecondFactorForm
from .models import SecurityDevice
from .selectors import active_devices
from .services.challenges import challenge_issue
from .services.fresh_factor import FreshFactor, fresh_factor_verify

SESSION_KEY = "sls_fresh_factor_attempts"
LOGIN_FAILED = "Login failed"


class FreshFactorStep:
    """One page's fresh second factor. `purpose` keeps the challenges of two pages open in
    two tabs apart; each challenge is bound to a random attempt kept in the session."""

    def __init__(self, request: HttpRequest, purpose: str) -> None:
        self.request = request
        self.purpose = purpose
        self.failed = False

    def context(self) -> dict[str, object]:
        """A new challenge on the chosen device (the strongest unless one is asked for)."""
        devices = active_devices(self.request.user)
        if not devices:
            return {"fresh_factor": None}
        device = _chosen(devices, self.request.POST.get("device") or self.request.GET.get("device"))
        attempt = secrets.token_urlsafe(24)
        attempts = self.request.session.get(SESSION_KEY, {})
        self.request.session[SESSION_KEY] = {**attempts, self.purpose: attempt}
        challenge = challenge_issue(device=device, attempt=attempt)
        kind = device.authenticator.kind_behaviour
        form = SecondFactorForm(initial={"device": device.pk, "challenge": challenge.pk})
        form.fields["response"].label = kind.response_label
        return {
            "fresh_factor": {
                "form": form,
                "devices": devices,
                "device": device,
                "challenge": challenge,
                "prompt": kind.prompt(challenge.value),
                "failed": self.failed,
            }
        }

    def verify(self) -> FreshFactor | None:
        """Check the posted answer; the attempt is used up either way."""
        attempts = dict(self.request.session.get(SESSION_KEY, {}))
        attempt = attempts.pop(self.purpose, "")
        self.request.session[SESSION_KEY] = attempts
        form = SecondFactorForm(self.request.POST)
        data = form.cleaned_data if form.is_valid() else {}
        proof = fresh_factor_verify(
            user=self.request.user,
            device_id=data.get("device") or 0,
            challenge_id=data.get("challenge"),
            attempt=attempt,
            response=data.get("response", ""),
            client=ClientInfo.from_request(self.request),
        )
        self.failed = proof is None
        return proof

    def locked_out_response(self) -> HttpResponse | None:
        """After a wrong answer that locked the user (L3), the session ends as at login."""
        user = self.request.user
        user.refresh_from_db(fields=["locked_at", "last_failed_login_at"])
        if not lockout_is_active(user=user, at=timezone.now()):
            return None
        auth_logout(self.request)
        messages.error(self.request, LOGIN_FAILED)
        return redirect("accounts:login")


def _chosen(devices: list[SecurityDevice], wanted: str | None) -> SecurityDevice:
    by_id = {str(device.pk): device for device in devices}
    return by_id.get(wanted or "", devices[0])
