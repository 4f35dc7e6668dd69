"""Enrolment of a new applicant during the first login (E1): confirm a mobile number and
get SMS as the temporary device; then an invitation to activate IB Key (K1, K7)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.client_info import ClientInfo
from accounts.login_flow import LoginFlow
from accounts.models import User
from accounts.services.lockout import lockout_is_active
from accounts.services.login import LOGIN_FAILED
from accounts.services.throttle import throttle_attempt
from accounts.throttle_views import throttled_page
from devices.enrolment.forms import EnrolmentCodeForm, MobileNumberForm
from devices.enrolment.services import enrolment_code_send, enrolment_complete
from devices.kinds.sms import masked
from devices.qr import qr_svg
from devices.selectors import active_devices, is_new_applicant
from devices.services.on_record import CALL_CLIENT_SERVICES, numbers_on_record_masked

# The number being confirmed, bound to the login attempt that typed it.
SESSION_KEY = "sls_enrolment"
WRONG_CODE = "That code is not right or has expired."
ENROLLED = "Your mobile number is confirmed; SMS is your security device until you activate IB Key."


@never_cache
@require_http_methods(["GET", "POST"])
def enrolment_start_view(request: HttpRequest) -> HttpResponse:
    flow = LoginFlow(request)
    user = _pending_applicant(request, flow)
    if user is None:
        return redirect("accounts:login")
    refused = _throttled(request, user)
    if refused is not None:
        return refused
    initial = {"country": user.client.residence_country.code}
    form = MobileNumberForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        phone_number = form.cleaned_data["phone_number"]
        try:
            enrolment_code_send(
                user=user, phone_number=phone_number, client=ClientInfo.from_request(request)
            )
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            request.session[SESSION_KEY] = {"attempt": flow.attempt, "phone_number": phone_number}
            return redirect("enrolment:confirm")
    context = {
        "form": form,
        "numbers_on_record": numbers_on_record_masked(user),
        "call_client_services": CALL_CLIENT_SERVICES,
    }
    return render(request, "devices/enrol_start.html", context)


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def enrolment_confirm_view(request: HttpRequest) -> HttpResponse:
    flow = LoginFlow(request)
    user = _pending_applicant(request, flow)
    if user is None:
        return redirect("accounts:login")
    phone_number = _number_being_confirmed(request, flow)
    if phone_number is None:
        return redirect("enrolment:start")
    refused = _throttled(request, user)
    if refused is not None:
        return refused
    if "resend" in request.POST:
        return _resend(request, user, phone_number)
    form = EnrolmentCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        client = ClientInfo.from_request(request)
        device = enrolment_complete(user=user, code=form.cleaned_data["code"], client=client)
        if device is not None:
            request.session.pop(SESSION_KEY, None)
            flow.complete(user, device)
            messages.success(request, ENROLLED)
            return redirect("accounts:secure_login")
        user.refresh_from_db(fields=["locked_at", "last_failed_login_at"])
        if lockout_is_active(user=user, at=timezone.now()):
            request.session.pop(SESSION_KEY, None)
            flow.abandon()
            messages.error(request, LOGIN_FAILED)
            return redirect("accounts:login")
        form.add_error("code", WRONG_CODE)
    context = {"form": form, "masked_number": masked(phone_number)}
    return render(request, "devices/enrol_confirm.html", context)


def ib_key_invitation_context(request: HttpRequest) -> dict[str, dict[str, object]]:
    """`{"ib_key_invitation": …}` for a user whose SMS device stands in until IB Key is
    active (E1, K7); empty for everyone else."""
    user = request.user
    if not user.is_authenticated:
        return {}
    kinds = [device.authenticator.kind_behaviour for device in active_devices(user)]
    if not any(kind.until_ib_key for kind in kinds) or any(kind.uses_push for kind in kinds):
        return {}
    invitation: dict[str, object] = {"simulators": settings.SLS_SIMULATORS}
    if settings.SLS_SIMULATORS:
        # The simulated phone's activation page, whose URL exists only where the
        # simulators are installed: a real phone scans nothing of ours.
        query = urlencode({"username": user.username})
        activation_url = request.build_absolute_uri(f"{reverse('phone:activate')}?{query}")
        invitation.update(activation_url=activation_url, qr_svg=qr_svg(activation_url))
    return {"ib_key_invitation": invitation}


def _pending_applicant(request: HttpRequest, flow: LoginFlow) -> User | None:
    """The user of the pending login, if E1 applies to them."""
    user = flow.pending_user()
    if user is None:
        messages.info(request, "Please log in again.")
        return None
    return user if is_new_applicant(user) else None


def _throttled(request: HttpRequest, user: User) -> HttpResponse | None:
    """Each code sent or typed is an activation attempt; too many answer 429."""
    if request.method != "POST":
        return None
    client = ClientInfo.from_request(request)
    verdict = throttle_attempt(scope="activation", client=client, user=user)
    return None if verdict.allowed else throttled_page(request, verdict)


def _number_being_confirmed(request: HttpRequest, flow: LoginFlow) -> str | None:
    remembered = request.session.get(SESSION_KEY)
    if isinstance(remembered, dict) and remembered.get("attempt") == flow.attempt:
        return remembered.get("phone_number")
    return None


def _resend(request: HttpRequest, user: User, phone_number: str) -> HttpResponse:
    try:
        enrolment_code_send(
            user=user, phone_number=phone_number, client=ClientInfo.from_request(request)
        )
    except ValidationError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"We sent a new code to {masked(phone_number)}.")
    return redirect("enrolment:confirm")
