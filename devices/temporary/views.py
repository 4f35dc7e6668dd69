"""Client Portal pages of interim access: the online security card (T3, KB1873), printable
and as a PNG, and "Reactivate security device" (T4, KB1132 §10)."""

from __future__ import annotations

import secrets

import django_otp
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from accounts.client_info import ClientInfo
from accounts.services.login import LOGIN_FAILED
from accounts.services.sessions import session_key_rotate
from devices.decorators import online_card_login_required, verified_login_required
from devices.flows.device_step import Refusal
from devices.forms import SecondFactorForm
from devices.models import Authenticator
from devices.temporary.online_card_image import GRID_COLUMNS, online_card_png
from devices.temporary.policy import Scope, temporary_window_end
from devices.temporary.reactivation import (
    device_reactivate,
    has_temporary_device,
    reactivation_candidates,
    reactivation_challenge_issue,
)
from devices.temporary.services import online_card_grid, online_card_issue

NO_ONLINE_CARD = (
    "The online security card is retrieved by logging in with a temporary passcode from "
    "Client Services (KB1873)."
)
REACTIVATED = (
    "Your security device is active again. Your temporary passcode and online security "
    "card no longer work."
)
# Binds the reactivation challenges to this session, as a login attempt binds its own.
REACTIVATION_ATTEMPT_KEY = "sls_reactivation_attempt"


@never_cache
@online_card_login_required
@require_GET
def online_card_view(request: HttpRequest) -> HttpResponse:
    """The card's grid, serial and validity, laid out for printing."""
    card = _session_online_card(request)
    if card is None:
        messages.info(request, NO_ONLINE_CARD)
        return redirect("accounts:secure_login")
    cells = sorted(online_card_grid(card).items())
    context = {
        "card": card,
        "rows": [
            cells[start : start + GRID_COLUMNS] for start in range(0, len(cells), GRID_COLUMNS)
        ],
        "valid_until": temporary_window_end(card),
        "card_only": request.session_access.scope == Scope.ONLINE_CARD_ONLY,
    }
    return render(request, "devices/online_card.html", context)


@never_cache
@online_card_login_required
@require_GET
def online_card_png_view(request: HttpRequest) -> HttpResponse:
    """The same card as an image to save, never kept by a cache."""
    card = _session_online_card(request)
    if card is None:
        messages.info(request, NO_ONLINE_CARD)
        return redirect("accounts:secure_login")
    image = online_card_png(
        serial=card.serial, grid=online_card_grid(card), valid_until=temporary_window_end(card)
    )
    response = HttpResponse(image, content_type="image/png")
    response["Content-Disposition"] = (
        f'attachment; filename="online-security-card-{card.serial}.png"'
    )
    return response


@sensitive_post_parameters("response")
@never_cache
@verified_login_required
@require_http_methods(["GET", "POST"])
def device_reactivate_view(request: HttpRequest) -> HttpResponse:
    """Pick the permanent device that is back (GET ?device=), answer its challenge (POST)."""
    user = request.user
    raw_id = request.POST.get("device") or request.GET.get("device") or ""
    device_id = int(raw_id) if raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 18 else 0
    failed = False
    try:
        if request.method == "POST":
            form = SecondFactorForm(request.POST)
            data = form.cleaned_data if form.is_valid() else {}
            client = ClientInfo.from_request(request)
            outcome = device_reactivate(
                user=user,
                device_id=device_id,
                challenge_id=data.get("challenge"),
                attempt=request.session.get(REACTIVATION_ATTEMPT_KEY, ""),
                response=data.get("response", ""),
                client=client,
            )
            if outcome.accepted:
                _session_moves_to(request, outcome.device)
                messages.success(request, REACTIVATED)
                return redirect("accounts:secure_login")
            if outcome.locked or outcome.refusal == Refusal.LOCKED:
                auth_logout(request)
                messages.error(request, LOGIN_FAILED)
                return redirect("accounts:login")
            failed = True
        attempt = secrets.token_urlsafe(24)
        request.session[REACTIVATION_ATTEMPT_KEY] = attempt
        challenge = reactivation_challenge_issue(user=user, device_id=device_id, attempt=attempt)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:secure_login")
    device = challenge.device
    kind = device.authenticator.kind_behaviour
    form = SecondFactorForm(initial={"device": device.pk, "challenge": challenge.pk})
    form.fields["response"].label = kind.response_label
    context = {
        "form": form,
        "device": device,
        "challenge": challenge,
        "prompt": kind.prompt(challenge.value),
        "failed": failed,
    }
    return render(request, "devices/reactivate.html", context)


def reactivation_context(request: HttpRequest) -> dict[str, object]:
    """`{"reactivation": …}` for the Secure Login System page while the user has an
    active temporary device; empty otherwise."""
    if not has_temporary_device(request.user):
        return {}
    return {"reactivation": {"devices": reactivation_candidates(request.user)}}


def _session_online_card(request: HttpRequest) -> Authenticator | None:
    """The user's online card, made now if need be, for a session opened with a
    temporary device; None for a session of a permanent device."""
    if not request.user.otp_device.authenticator.kind_behaviour.temporary:
        return None
    try:
        return online_card_issue(user=request.user, client=ClientInfo.from_request(request))
    except ValidationError:
        return None


def _session_moves_to(request: HttpRequest, device) -> None:
    """A session opened with a temporary device would end on its next request; the user
    has just answered the permanent device, so the session carries on verified by it,
    under a new key."""
    request.session.pop(REACTIVATION_ATTEMPT_KEY, None)
    if request.user.otp_device.authenticator.kind_behaviour.temporary:
        session_key_rotate(session=request.session)
        django_otp.login(request, device)
