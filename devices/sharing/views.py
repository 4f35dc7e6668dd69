"""The share wizard of Settings → Secure Login System (H2, KB2481): the owner's user name
and password, the owner's card answering a challenge, a review, then the status; and
cancelling a share (H5). Every step reads the wizard's state from the session."""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from accounts.client_info import ClientInfo
from accounts.services.login import INVALID_CREDENTIALS
from accounts.services.throttle import throttle_attempt
from accounts.throttle_views import throttled_page
from devices.assurance import Action
from devices.decorators import verified_login_required
from devices.flows.device_step import Answer, Refusal, step_answer, step_challenge, step_devices
from devices.models import DeviceShare, SecurityDevice
from devices.sharing.flow import ShareFlow
from devices.sharing.forms import OwnerCredentialsForm, ShareResponseForm
from devices.sharing.rules import (
    OPEN_STATUSES,
    ShareRefused,
    open_share,
    redundant_devices,
    share_needs_review,
)
from devices.sharing.services import (
    share_cancel,
    share_check,
    share_owner_check,
    share_request,
    share_start_check,
)

START_AGAIN = "The device sharing request has expired. Please start again."
WRONG_RESPONSE = "The response does not match the device's challenge."
NO_DEVICE = "That user has no security device in use to share."
CANCELLED = "Device sharing cancelled: your own devices are in use again."
LOG_IN_AGAIN = "Device sharing cancelled. Log in again with your own device."


def client_user_required(view):
    """Sharing is for clients' users (staff hold no client), after a verified login."""

    @verified_login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.client_id is None:
            raise Http404("Device sharing is for clients' users.")
        return view(request, *args, **kwargs)

    return wrapped


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
@client_user_required
def share_owner_view(request: HttpRequest) -> HttpResponse:
    """Step 6 of KB2481: the credentials of the user who holds the device."""
    if open_share(request.user) is not None:
        return redirect("sharing:status")
    try:
        share_start_check(requester=request.user, client=ClientInfo.from_request(request))
    except ShareRefused as refused:
        return _refused(request, ShareFlow(request), refused.refusal.message, refused.refusal.code)
    form = OwnerCredentialsForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        client = ClientInfo.from_request(request)
        username = form.cleaned_data["username"]
        # Another user's password is typed here: it counts with the login's password step.
        verdict = throttle_attempt(scope="password", client=client, username=username)
        if not verdict.allowed:
            return throttled_page(request, verdict)
        try:
            owner = share_owner_check(
                requester=request.user,
                username=username,
                password=form.cleaned_data["password"],
                client=client,
            )
        except ShareRefused as refused:
            form.add_error(None, refused.refusal.message)
        else:
            if owner is not None:
                ShareFlow(request).owner_accepted(owner)
                return redirect("sharing:device")
            form.add_error(None, INVALID_CREDENTIALS)
    return render(request, "devices/share_owner.html", {"form": form})


@sensitive_post_parameters("response")
@never_cache
@require_http_methods(["GET", "POST"])
@client_user_required
def share_device_view(request: HttpRequest) -> HttpResponse:
    """Step 7: the owner's device shows a challenge (code or index numbers) to answer."""
    flow = ShareFlow(request)
    owner = flow.owner()
    if owner is None:
        messages.error(request, START_AGAIN)
        return redirect("sharing:owner")
    devices = step_devices(owner, Action.SHARE_DEVICE)
    if not devices:
        return _refused(request, flow, NO_DEVICE)
    form = ShareResponseForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST":
        outcome = step_answer(
            user=owner,
            action=Action.SHARE_DEVICE,
            answer=Answer(
                device_id=flow.device_id,
                challenge_id=flow.challenge_id,
                response=form.cleaned_data["response"] if form.is_valid() else "",
            ),
            attempt=flow.attempt,
            client=ClientInfo.from_request(request),
        )
        if outcome.accepted:
            flow.device_proven(outcome.device)
            return redirect("sharing:review")
        if outcome.locked or outcome.refusal == Refusal.LOCKED:
            flow.end()
            messages.error(request, WRONG_RESPONSE)
            return redirect("accounts:secure_login")
        form, error = ShareResponseForm(), outcome.message or WRONG_RESPONSE
    by_id = {str(device.pk): device for device in devices}
    device = by_id.get(request.GET.get("device") or str(flow.device_id), devices[0])
    try:
        share_check(
            requester=request.user,
            owner=owner,
            authenticator=device.authenticator,
            client=ClientInfo.from_request(request),
        )
    except ShareRefused as refused:
        return _refused(request, flow, refused.refusal.message, refused.refusal.code)
    challenge = step_challenge(action=Action.SHARE_DEVICE, device=device, attempt=flow.attempt)
    flow.challenge_shown(challenge)
    kind = device.authenticator.kind_behaviour
    form.fields["response"].label = kind.response_label
    context = {
        "form": form,
        "error": error,
        "owner": owner,
        "devices": devices,
        "device": device,
        "challenge": challenge,
        "prompt": kind.prompt(challenge.value),
    }
    return render(request, "devices/share_device.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@client_user_required
def share_review_view(request: HttpRequest) -> HttpResponse:
    """Step 8: what will happen, then Continue."""
    flow = ShareFlow(request)
    device = flow.proven_device()
    if device is None:
        messages.error(request, START_AGAIN)
        return redirect("sharing:owner")
    if request.method == "POST":
        try:
            share = share_request(
                requester=request.user,
                owner=device.user,
                authenticator=device.authenticator,
                client=ClientInfo.from_request(request),
            )
        except ShareRefused as refused:
            return _refused(request, flow, refused.refusal.message, refused.refusal.code)
        flow.end()
        _keep_session_verified(request, share)
        return redirect("sharing:status")
    context = {
        "device": device,
        "owner": device.user,
        "redundant": redundant_devices(request.user, device.authenticator),
        "review": share_needs_review(requester=request.user, owner=device.user),
    }
    return render(request, "devices/share_review.html", context)


@never_cache
@require_GET
@client_user_required
def share_status_view(request: HttpRequest) -> HttpResponse:
    """Step 9: approved, or pending Compliance (H3), or the latest decision."""
    share = (
        DeviceShare.objects.filter(requester=request.user)
        .select_related("owner", "authenticator")
        .prefetch_related("deactivated_devices__authenticator")
        .first()
    )
    return render(request, "devices/share_status.html", {"share": share})


@never_cache
@require_http_methods(["GET", "POST"])
@client_user_required
def share_cancel_view(request: HttpRequest, share_id: int) -> HttpResponse:
    """Cancel a share after a confirmation page; the devices set aside come back (H5)."""
    share = get_object_or_404(
        DeviceShare.objects.select_related("owner", "authenticator").prefetch_related(
            "deactivated_devices__authenticator"
        ),
        pk=share_id,
        requester=request.user,
        status__in=OPEN_STATUSES,
    )
    if request.method == "POST":
        try:
            removed = share_cancel(
                share=share, requester=request.user, client=ClientInfo.from_request(request)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("accounts:secure_login")
        session_device = getattr(request.user, "otp_device", None)
        if removed is not None and session_device is not None and session_device.pk == removed:
            auth_logout(request)
            messages.info(request, LOG_IN_AGAIN)
            return redirect("accounts:login")
        messages.success(request, CANCELLED)
        return redirect("accounts:secure_login")
    return render(request, "devices/share_cancel.html", {"share": share})


def _refused(request: HttpRequest, flow: ShareFlow, message: str, code: str = "") -> HttpResponse:
    flow.end()
    return render(
        request, "devices/share_refused.html", {"message": message, "code": code}, status=409
    )


def _keep_session_verified(request: HttpRequest, share: DeviceShare) -> None:
    """An approved share sets the requester's other devices aside, the one this session
    was verified with among them; the requester has just answered the shared card, so the
    session stays verified by the requester's device on that card."""
    if share.status != DeviceShare.Status.APPROVED:
        return
    device = SecurityDevice.objects.get(user=request.user, authenticator=share.authenticator)
    django_otp.login(request, device)
