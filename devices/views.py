"""The second step of the login: choose a device (M2FS, L4) and answer it (L5): a
challenge, an SMS code (with resend and voice call), or an IB Key push (K2)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from accounts.client_info import ClientInfo
from accounts.login_flow import LoginFlow, safe_next
from accounts.models import User
from accounts.services.login import LOGIN_FAILED
from accounts.services.throttle import throttle_attempt
from accounts.throttle_views import throttled_page
from devices.assurance import Action
from devices.flows.device_step import (
    Answer,
    Refusal,
    StepOutcome,
    step_answer,
    step_ask,
    step_device_choose,
    step_devices,
)
from devices.forms import SecondFactorForm
from devices.ib_key.push import PushLimitReached, push_state
from devices.models import PushRequest, SecurityDevice
from devices.selectors import is_new_applicant
from devices.services.sms import sms_code_call, sms_code_resend
from devices.temporary.policy import Scope

LOGIN = Action.LOGIN_PORTAL
ONLINE_CARD_INVITATION = (
    "You logged in with a temporary passcode. For access beyond its 2 days, "
    '<a href="{url}">print or save your online security card</a>: it gives full access '
    "for 21 days."
)


@sensitive_post_parameters("response")
@never_cache
@require_http_methods(["GET", "POST"])
def login_device_view(request: HttpRequest) -> HttpResponse:
    flow = LoginFlow(request)
    user = flow.pending_user()
    if user is None:
        messages.info(request, "Please log in again.")
        return redirect("accounts:login")
    if request.method == "GET":
        return device_step(request, flow, user)
    devices = step_devices(user, LOGIN)
    if not devices:
        return _without_device(request, flow, user)
    device = step_device_choose(devices, request.POST.get("device") or request.GET.get("device"))
    verdict = throttle_attempt(
        scope="second_factor", client=ClientInfo.from_request(request), user=user
    )
    if not verdict.allowed:
        return throttled_page(request, verdict)
    if "resend" in request.POST or "call" in request.POST:
        return _sms_action(request, flow, devices, device)
    outcome = step_answer(
        user=user,
        action=LOGIN,
        answer=_answer(request),
        attempt=flow.attempt,
        client=ClientInfo.from_request(request),
    )
    if outcome.accepted:
        return _complete(request, flow, user, outcome)
    if outcome.locked or outcome.refusal in (Refusal.LOCKED, Refusal.NOT_ALLOWED):
        flow.abandon()
        messages.error(request, outcome.message or LOGIN_FAILED)
        return redirect("accounts:login")
    if outcome.refusal in (Refusal.CHALLENGE_CLOSED, Refusal.NOT_ANSWERED):
        messages.info(request, outcome.message)
        return _device_page(request, flow, devices, device, failed=False)
    return _device_page(request, flow, devices, device, failed=True)


def device_step(request: HttpRequest, flow: LoginFlow, user: User) -> HttpResponse:
    """The second step for `user`, whose password was just accepted: the chosen device's
    challenge or push (the strongest device unless another was asked for, L4), or the
    way to a first device."""
    devices = step_devices(user, LOGIN)
    if not devices:
        return _without_device(request, flow, user)
    device = step_device_choose(devices, request.GET.get("device"))
    return _device_page(request, flow, devices, device, failed=False)


@never_cache
@require_GET
def login_push_status_view(request: HttpRequest) -> JsonResponse:
    """Polled by the waiting login page until the phone has answered."""
    flow = LoginFlow(request)
    user = flow.pending_user()
    push_id = request.GET.get("push", "")
    if user is None or not (push_id.isascii() and push_id.isdigit()):
        return JsonResponse({"status": "denied"})
    return JsonResponse(
        {"status": push_state(user=user, push_id=int(push_id), attempt=flow.attempt)}
    )


def _answer(request: HttpRequest) -> Answer:
    """The posted answer: an approved push's id, or a challenge's response. Malformed
    fields are a wrong answer (counted), never a server error."""
    push_id = request.POST.get("push")
    if push_id is not None:
        valid = push_id.isascii() and push_id.isdigit() and len(push_id) < 18
        return Answer(push_id=int(push_id) if valid else 0)
    data = SecondFactorForm(request.POST).answer_data()
    return Answer(
        device_id=data.get("device"),
        challenge_id=data.get("challenge"),
        response=data.get("response", ""),
    )


def _complete(
    request: HttpRequest, flow: LoginFlow, user: User, outcome: StepOutcome
) -> HttpResponse:
    """The gate accepted the answer: log in. A temporary passcode past its first two days
    opens the online security card only (T2); in its first days, the session is told
    where the card is."""
    flow.complete(user, outcome.device, approval_method=outcome.approval_method)
    if outcome.access.scope == Scope.ONLINE_CARD_ONLY:
        messages.info(request, outcome.access.message)
        return redirect("devices:online_card")
    if outcome.device.authenticator.kind_behaviour.offers_online_card:
        messages.info(
            request, format_html(ONLINE_CARD_INVITATION, url=reverse("devices:online_card"))
        )
    return redirect(safe_next(request))


def _sms_action(
    request: HttpRequest, flow: LoginFlow, devices: list, device: SecurityDevice
) -> HttpResponse:
    """ "Send a new code" or "Call me instead" on an SMS device."""
    if not device.authenticator.kind_behaviour.sends_code:
        return _challenge_page(request, flow, devices, device, failed=False)
    try:
        if "call" in request.POST:
            challenge = sms_code_call(device=device, attempt=flow.attempt, purpose=LOGIN)
            messages.info(request, "We are calling your phone to read the code.")
        else:
            challenge = sms_code_resend(device=device, attempt=flow.attempt, purpose=LOGIN)
            messages.info(request, "We sent a new code.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        challenge = None
    return _challenge_page(request, flow, devices, device, failed=False, challenge=challenge)


def _challenge_page(request, flow, devices, device, failed, challenge=None) -> HttpResponse:
    challenge = challenge or _ask(request, flow, device, fallback=True)
    kind = device.authenticator.kind_behaviour
    form = SecondFactorForm(initial={"device": device.pk, "challenge": challenge.pk})
    form.fields["response"].label = kind.response_label
    form.fields["response"].widget.attrs["inputmode"] = kind.response_inputmode
    context = {
        "form": form,
        "devices": devices,
        "device": device,
        "prompt": kind.prompt(challenge.value),
        "challenge": challenge,
        "failed": failed,
        "next": safe_next(request),
        "fallback": kind.uses_push,
    }
    return render(request, "devices/login_device.html", context)


def _ask(request: HttpRequest, flow: LoginFlow, device: SecurityDevice, *, fallback: bool):
    """The device's challenge or push for this login; an SMS page reloaded keeps the code
    already sent."""
    return step_ask(
        action=LOGIN,
        device=device,
        attempt=flow.attempt,
        client=ClientInfo.from_request(request),
        fallback=fallback,
        reuse_open=True,
    )


def _push_page(request, flow, devices, device, failed) -> HttpResponse:
    try:
        push = _ask(request, flow, device, fallback=False)
    except PushLimitReached as limited:  # G7: nothing more goes to the phone
        push, push_limited = None, " ".join(limited.messages)
    else:
        push_limited = ""
    if push is not None and not isinstance(push, PushRequest):
        return _challenge_page(request, flow, devices, device, failed, challenge=push)
    next_url = safe_next(request)
    context = {
        "devices": devices,
        "device": device,
        "push": push,
        "push_limited": push_limited,
        "failed": failed,
        "next": next_url,
        "status_url": push
        and f"{reverse('devices:login_push_status')}?{urlencode({'push': push.pk})}",
        "fallback_url": f"{reverse('devices:login_device')}?"
        + urlencode({"device": device.pk, "fallback": 1, "next": next_url}),
    }
    return render(request, "devices/login_push.html", context)


def _without_device(request: HttpRequest, flow: LoginFlow, user: User) -> HttpResponse:
    """A new applicant enrols a phone first (E1); anyone else without a usable device is
    told to call Client Services."""
    if is_new_applicant(user):
        return redirect("enrolment:start")
    flow.abandon()
    return render(request, "devices/no_device.html", status=403)


def _device_page(request, flow, devices, device, failed) -> HttpResponse:
    kind = device.authenticator.kind_behaviour
    if kind.uses_push and not (request.GET.get("fallback") or request.POST.get("fallback")):
        return _push_page(request, flow, devices, device, failed)
    return _challenge_page(request, flow, devices, device, failed)
