"""The second step of the login: choose a device (M2FS, L4) and answer it (L5): a
challenge, an SMS code (with resend and voice call), or an IB Key push (K2)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from accounts.client_info import ClientInfo
from accounts.login_flow import LoginFlow, safe_next
from accounts.models import User
from accounts.services.lockout import lockout_is_active
from accounts.services.throttle import throttle_attempt
from accounts.throttle_views import throttled_page

from .forms import SecondFactorForm
from .models import SecurityDevice
from .selectors import active_devices, is_new_applicant
from .services.challenges import challenge_issue
from .services.push import PushLimitReached, push_create, push_login_verify, push_state
from .services.sms import sms_code_call, sms_code_resend
from .services.temporary_access import temporary_login_check
from .services.verification import second_factor_verify
from .temporary import Channel, Scope

LOGIN_FAILED = "Login failed"
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
    devices = active_devices(user)
    if not devices:
        return _without_device(request, flow, user)
    device = _chosen(devices, request.POST.get("device") or request.GET.get("device"))
    verdict = throttle_attempt(
        scope="second_factor", client=ClientInfo.from_request(request), user=user
    )
    if not verdict.allowed:
        return throttled_page(request, verdict)
    if "resend" in request.POST or "call" in request.POST:
        return _sms_action(request, flow, devices, device)
    completed = _verify(request, flow, user)
    if completed is not None:
        return completed
    user.refresh_from_db(fields=["locked_at", "last_failed_login_at"])
    if lockout_is_active(user=user, at=timezone.now()):
        flow.abandon()
        messages.error(request, LOGIN_FAILED)
        return redirect("accounts:login")
    return _device_page(request, flow, devices, device, failed=True)


def device_step(request: HttpRequest, flow: LoginFlow, user: User) -> HttpResponse:
    """The second step for `user`, whose password was just accepted: the chosen device's
    challenge or push (the strongest device unless another was asked for, L4), or the
    way to a first device."""
    devices = active_devices(user)
    if not devices:
        return _without_device(request, flow, user)
    device = _chosen(devices, request.GET.get("device"))
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


def _verify(request: HttpRequest, flow: LoginFlow, user: User) -> HttpResponse | None:
    """Complete the login on a right answer or an approved push; None when it failed."""
    client = ClientInfo.from_request(request)
    if "push" in request.POST:
        push_id = request.POST["push"]
        push = push_login_verify(
            user=user,
            push_id=int(push_id) if push_id.isascii() and push_id.isdigit() else None,
            attempt=flow.attempt,
            client=client,
        )
        if push is None:
            return None
        return _complete(request, flow, user, push.device, approval_method=push.method)
    form = SecondFactorForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    verified = second_factor_verify(
        user=user,
        device_id=data.get("device") or 0,
        challenge_id=data.get("challenge"),
        attempt=flow.attempt,
        response=data.get("response", ""),
        client=client,
    )
    if verified is None:
        return None
    return _complete(request, flow, user, verified)


def _complete(
    request: HttpRequest, flow: LoginFlow, user: User, device, approval_method: str = ""
) -> HttpResponse:
    """A right answer logs in only if the device opens the portal now (T2, T3): else the
    refusal says which case of KB1132 applies. A temporary passcode's session is sent to
    the online security card, or told where it is."""
    authenticator = device.authenticator
    access = temporary_login_check(
        user=user,
        authenticator=authenticator,
        channel=Channel.PORTAL,
        client=ClientInfo.from_request(request),
    )
    if not access.allowed:
        flow.abandon()
        messages.error(request, access.message)
        return redirect("accounts:login")
    flow.complete(user, device, approval_method=approval_method)
    if access.scope == Scope.ONLINE_CARD_ONLY:
        messages.info(request, access.message)
        return redirect("devices:online_card")
    if authenticator.kind == "temporary_passcode":
        messages.info(
            request, format_html(ONLINE_CARD_INVITATION, url=reverse("devices:online_card"))
        )
    return redirect(safe_next(request))


def _sms_action(
    request: HttpRequest, flow: LoginFlow, devices: list, device: SecurityDevice
) -> HttpResponse:
    """ "Send a new code" or "Call me instead" on an SMS device."""
    if device.authenticator.kind != "sms":
        return _challenge_page(request, flow, devices, device, failed=False)
    try:
        if "call" in request.POST:
            challenge = sms_code_call(device=device, attempt=flow.attempt)
            messages.info(request, "We are calling your phone to read the code.")
        else:
            challenge = sms_code_resend(device=device, attempt=flow.attempt)
            messages.info(request, "We sent a new code.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        challenge = None
    return _challenge_page(request, flow, devices, device, failed=False, challenge=challenge)


def _challenge_page(request, flow, devices, device, failed, challenge=None) -> HttpResponse:
    challenge = challenge or _current_or_new_challenge(flow, device)
    kind = device.authenticator.kind_behaviour
    form = SecondFactorForm(initial={"device": device.pk, "challenge": challenge.pk})
    form.fields["response"].label = kind.response_label
    if kind.code == "temporary_passcode":
        form.fields["response"].widget.attrs["inputmode"] = "text"
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


def _current_or_new_challenge(flow: LoginFlow, device: SecurityDevice):
    """A new challenge, except that an SMS page reloaded keeps the code already sent."""
    if device.authenticator.kind == "sms":
        current = (
            device.challenges.filter(attempt=flow.attempt, used_at__isnull=True)
            .order_by("-pk")
            .first()
        )
        if current is not None and current.is_open(timezone.now()):
            return current
    return challenge_issue(device=device, attempt=flow.attempt)


def _push_page(request, flow, devices, device, failed) -> HttpResponse:
    try:
        push = push_create(
            device=device, attempt=flow.attempt, client=ClientInfo.from_request(request)
        )
    except PushLimitReached as limited:  # G7: nothing more goes to the phone
        push, push_limited = None, " ".join(limited.messages)
    else:
        push_limited = ""
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


def _chosen(devices: list[SecurityDevice], wanted: str | None) -> SecurityDevice:
    """The device asked for, if it is one of the user's; else the strongest (L4)."""
    by_id = {str(device.pk): device for device in devices}
    return by_id.get(wanted or "", devices[0])
