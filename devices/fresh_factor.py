"""The device step inside a settings page: show a challenge of one of the user's devices
that may approve the page's action, and check the answer posted with the page's own form
through the gate (G1; O2, O3). Pages include `devices/_fresh_factor_chooser.html` before
their form and `devices/_fresh_factor.html` inside it."""

from __future__ import annotations

import secrets
from typing import cast

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.client_info import ClientInfo
from accounts.models import User
from accounts.services.login import LOGIN_FAILED
from devices.assurance import Action
from devices.flows.device_step import (
    Answer,
    Refusal,
    StepOutcome,
    step_answer,
    step_challenge,
    step_device_choose,
    step_devices,
)
from devices.forms import SecondFactorForm
from devices.services.fresh_factor import FreshFactor

SESSION_KEY = "sls_fresh_factor_attempts"


class FreshFactorStep:
    """One page's fresh second factor for `action`. The action keeps the challenges of two
    pages open in two tabs apart; each challenge is bound to a random attempt kept in the
    session."""

    def __init__(self, request: HttpRequest, action: Action) -> None:
        self.request = request
        self.user = cast(User, request.user)  # the views ask for a verified login first
        self.action = action
        self.outcome: StepOutcome | None = None

    @property
    def failed(self) -> bool:
        return self.outcome is not None and not self.outcome.accepted

    @property
    def available(self) -> bool:
        """Whether the user holds a device that may approve this action at all."""
        return bool(step_devices(self.user, self.action))

    def context(self) -> dict[str, object]:
        """A new challenge on the chosen device (the strongest unless one is asked for)."""
        devices = step_devices(self.user, self.action)
        wanted = self.request.POST.get("device") or self.request.GET.get("device")
        device = step_device_choose(devices, wanted)
        if device is None:
            return {"fresh_factor": None}
        attempt = secrets.token_urlsafe(24)
        attempts = self.request.session.get(SESSION_KEY, {})
        self.request.session[SESSION_KEY] = {**attempts, self.action.value: attempt}
        challenge = step_challenge(action=self.action, device=device, attempt=attempt)
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
                "message": self.outcome.message if self.outcome is not None else "",
            }
        }

    def verify(self) -> FreshFactor | None:
        """Check the posted answer; the attempt is used up either way."""
        attempts = dict(self.request.session.get(SESSION_KEY, {}))
        attempt = attempts.pop(self.action.value, "")
        self.request.session[SESSION_KEY] = attempts
        data = SecondFactorForm(self.request.POST).answer_data()
        self.outcome = step_answer(
            user=self.user,
            action=self.action,
            answer=Answer(
                device_id=data.get("device"),
                challenge_id=data.get("challenge"),
                response=data.get("response", ""),
            ),
            attempt=attempt,
            client=ClientInfo.from_request(self.request),
        )
        return FreshFactor.from_outcome(self.outcome, user=self.user)

    def locked_out_response(self) -> HttpResponse | None:
        """After a wrong answer that locked the user (L3), the session ends as at login."""
        if self.outcome is None or not (
            self.outcome.locked or self.outcome.refusal == Refusal.LOCKED
        ):
            return None
        auth_logout(self.request)
        messages.error(self.request, LOGIN_FAILED)
        return redirect("accounts:login")
