"""Activating a delivered DSC+ early from the SLS page (KB1132 §10): the card answers a
challenge with the PIN chosen at order; the temporary devices stop at once."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.client_info import ClientInfo
from accounts.services.throttle import throttle_attempt
from accounts.throttle_views import throttled_page
from devices.decorators import verified_login_required
from devices.flows.device_step import Refusal
from devices.forms import ChallengeAnswerForm, response_field, row_id_field
from devices.pin.views import LOCKED
from orders.services.activation import (
    WRONG_RESPONSE,
    device_order_activate_by_holder,
    order_activation_challenge,
    shipped_device,
)

ATTEMPT_KEY = "sls_order_activation_attempt"
ACTIVATED = "Your DSC+ is active. Your temporary passcode and online security card no longer work."


class ActivationForm(ChallengeAnswerForm):
    """The shipped card's answer, typed with the PIN chosen at order."""

    challenge = row_id_field()
    response = response_field("Response from your card")


@sensitive_post_parameters("response")
@verified_login_required
@never_cache
@require_http_methods(["GET", "POST"])
def order_activate_view(request: HttpRequest) -> HttpResponse:
    device = shipped_device(request.user)
    if device is None:
        return redirect("dsc_plus:start")
    form = ActivationForm(request.POST if request.method == "POST" else None)
    errors: list[str] = []
    if form.is_valid():
        client = ClientInfo.from_request(request)
        verdict = throttle_attempt(scope="activation", client=client, user=request.user)
        if not verdict.allowed:
            return throttled_page(request, verdict)
        try:
            outcome = device_order_activate_by_holder(
                user=request.user,
                challenge_id=form.cleaned_data["challenge"],
                attempt=request.session.get(ATTEMPT_KEY, ""),
                response=form.cleaned_data["response"],
                client=client,
            )
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
            return redirect("accounts:secure_login")
        if outcome.accepted:
            request.session.pop(ATTEMPT_KEY, None)
            messages.success(request, ACTIVATED)
            return redirect("accounts:secure_login")
        if outcome.locked or outcome.refusal == Refusal.LOCKED:
            logout(request)
            messages.error(request, LOCKED)
            return redirect("accounts:login")
        errors = [outcome.message or WRONG_RESPONSE]
    elif form.is_bound:
        errors = ["Type the response your card shows."]
    attempt = secrets.token_urlsafe(24)
    request.session[ATTEMPT_KEY] = attempt
    challenge = order_activation_challenge(user=request.user, attempt=attempt)
    return render(
        request,
        "orders/order_activate.html",
        {
            "device": device,
            "challenge": challenge,
            "form": ActivationForm(initial={"challenge": challenge.pk}),
            "errors": errors,
        },
    )
