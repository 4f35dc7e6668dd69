"""Simulator pages of the phone: installing the IBKR Mobile app, the app itself (activation,
notifications, Authenticate) and the SMS and voice inbox. A pending activation lives in the
browser session, keyed by installation, as it would live in the app's memory."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.client_info import ClientInfo
from accounts.models import User
from accounts.services.throttle import throttle_attempt
from accounts.throttle_views import throttled_message
from accounts.throttling import Verdict

from ..models import OutboundMessage, PhoneAppInstallation, PushRequest
from ..phone import phone_number_parse
from ..services.ib_key_activation import ib_key_activation_start
from ..services.push import push_pending_for_installation
from .cards import require_simulators
from .phone import (
    AppError,
    app_activate,
    app_authenticate,
    inbox_messages,
    phone_install,
    push_answer,
)
from .phone_forms import (
    ActivationFinishForm,
    ActivationStartForm,
    AuthenticateForm,
    InboxForm,
    InstallForm,
    PushAnswerForm,
)

PENDING_KEY = "sls_phone_activations"
OUTCOMES = {
    PushRequest.Status.APPROVED: "Approved. The login continues on the other screen.",
    PushRequest.Status.DENIED: "Denied: the number did not match the one shown at login.",
}
FRAUD_REPORTED = "Reported. The login was refused and the report recorded."


@never_cache
@require_http_methods(["GET", "POST"])
def phones_view(request: HttpRequest) -> HttpResponse:
    require_simulators()
    form = InstallForm(request.POST or None)
    if form.is_valid():
        return redirect("phone:app", phone_install(**form.cleaned_data).installation_id)
    context = {"form": form, "installations": _installations(), "inbox_form": InboxForm()}
    return render(request, "simulators/phone_index.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def activate_view(request: HttpRequest) -> HttpResponse:
    """Where the portal's QR code leads: pick the phone, or install the app on a new one."""
    require_simulators()
    username = request.GET.get("username", "")
    form = InstallForm(request.POST or None)
    if form.is_valid():
        return redirect(_app_url(phone_install(**form.cleaned_data), username))
    links = [(item, _app_url(item, username)) for item in _installations()]
    context = {"form": form, "installations": links, "username": username}
    return render(request, "simulators/phone_activate.html", context)


@never_cache
@require_http_methods(["GET"])
def inbox_view(request: HttpRequest) -> HttpResponse:
    require_simulators()
    form = InboxForm(request.GET or None)
    number = form.cleaned_data["number"].strip() if form.is_valid() else ""
    context = {"form": form, "number": number}
    if number:
        context["texts"] = inbox_messages(number=number, channel=OutboundMessage.Channel.SMS)
        context["calls"] = inbox_messages(number=number, channel=OutboundMessage.Channel.VOICE)
    return render(request, "simulators/phone_inbox.html", context)


@never_cache
@require_http_methods(["GET"])
def app_view(request: HttpRequest, installation_id: str) -> HttpResponse:
    require_simulators()
    return _app_page(request, _installation(installation_id))


@require_POST
def activation_start_view(request: HttpRequest, installation_id: str) -> HttpResponse:
    """K1 first step: the server checks password and phone, and texts a code."""
    require_simulators()
    installation = _installation(installation_id)
    form = ActivationStartForm(request.POST)
    client = ClientInfo.from_request(request)
    if form.is_valid():
        verdict = throttle_attempt(
            scope="password", client=client, username=form.cleaned_data["username"]
        )
        if not verdict.allowed:
            form.add_error(None, throttled_message(verdict))
            return _throttled(_app_page(request, installation, start_form=form), verdict)
        try:
            user = ib_key_activation_start(
                **form.cleaned_data,
                platform=installation.platform,
                os_version=installation.os_version,
                rooted=installation.rooted,
                client=client,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            number = phone_number_parse(
                country=form.cleaned_data["country"],
                national_number=form.cleaned_data["national_number"],
            )
            _pending_set(
                request,
                installation,
                {"user_id": user.pk, "username": user.username, "number": number},
            )
            return redirect("phone:app", installation_id)
    return _app_page(request, installation, start_form=form)


@require_POST
def activation_finish_view(request: HttpRequest, installation_id: str) -> HttpResponse:
    """K1 last step: code and PIN; the app makes its key and registers it."""
    require_simulators()
    installation = _installation(installation_id)
    user = _pending_user(request, installation)
    if user is None:
        return redirect("phone:app", installation_id)
    form = ActivationFinishForm(request.POST, installation=installation)
    if form.is_valid():
        client = ClientInfo.from_request(request)
        verdict = throttle_attempt(scope="activation", client=client, user=user)
        if not verdict.allowed:
            form.add_error(None, throttled_message(verdict))
            return _throttled(_app_page(request, installation, finish_form=form), verdict)
        try:
            app_activate(
                installation=installation,
                user=user,
                code=form.cleaned_data["code"],
                pin=form.cleaned_data["pin"],
                biometrics=form.cleaned_data.get("biometrics", False),
                client=client,
            )
        except (ValidationError, AppError) as error:
            form.add_error(None, _message(error))
        else:
            _pending_set(request, installation, None)
            messages.success(request, f"IB Key is active for {user.username}.")
            return redirect("phone:app", installation_id)
    return _app_page(request, installation, finish_form=form)


@require_POST
def activation_cancel_view(request: HttpRequest, installation_id: str) -> HttpResponse:
    require_simulators()
    _pending_set(request, _installation(installation_id), None)
    return redirect("phone:app", installation_id)


@require_POST
def push_view(request: HttpRequest, installation_id: str, push_id: int) -> HttpResponse:
    """Approve a notification with PIN or biometrics, or report it ("I'm not logging in")."""
    require_simulators()
    installation = _installation(installation_id)
    form = PushAnswerForm(request.POST, auto_id=_push_auto_id(push_id))
    if form.is_valid():
        decision, method = form.decision()
        try:
            push = push_answer(
                installation=installation,
                push_id=push_id,
                typed_number=form.cleaned_data["number"],
                decision=decision,
                method=method,
                pin=form.cleaned_data["pin"],
                client=ClientInfo.from_request(request),
            )
        except (ValidationError, AppError) as error:
            form.add_error(None, _message(error))
        else:
            outcome = FRAUD_REPORTED if push.fraud_reported else OUTCOMES[push.status]
            messages.info(request, outcome)
            return redirect("phone:app", installation_id)
    return _app_page(request, installation, answered=(push_id, form))


@require_POST
def authenticate_view(request: HttpRequest, installation_id: str) -> HttpResponse:
    """K2's fallback: PIN and challenge in, the response to type at login out."""
    require_simulators()
    installation = _installation(installation_id)
    form = AuthenticateForm(request.POST, installation=installation)
    display = ""
    if form.is_valid():
        try:
            display = app_authenticate(
                account=form.cleaned_data["account"],
                pin=form.cleaned_data["pin"],
                challenge=form.cleaned_data["challenge"],
            )
        except AppError as error:
            form.add_error(None, str(error))
    return _app_page(request, installation, authenticate_form=form, display=display)


def _app_page(
    request: HttpRequest, installation: PhoneAppInstallation, **overrides: object
) -> HttpResponse:
    answered_id, answered = overrides.pop("answered", (None, None))
    pending = request.session.get(PENDING_KEY, {}).get(installation.installation_id)
    context = {
        "installation": installation,
        "accounts": installation.accounts.order_by("username"),
        "pending": pending,
        "start_form": ActivationStartForm(initial={"username": request.GET.get("username", "")}),
        "finish_form": ActivationFinishForm(installation=installation),
        "answered": answered,
        "pushes": [
            (push, answered if push.pk == answered_id else _push_form(push.pk))
            for push in push_pending_for_installation(installation.installation_id)
        ],
        "authenticate_form": AuthenticateForm(installation=installation),
        "display": "",
        **overrides,
    }
    return render(request, "simulators/phone_app.html", context)


def _throttled(response: HttpResponse, verdict: Verdict) -> HttpResponse:
    """The app's page with the refusal, as 429 with Retry-After, as the server answers."""
    response.status_code = 429
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _push_form(push_id: int) -> PushAnswerForm:
    return PushAnswerForm(auto_id=_push_auto_id(push_id))


def _push_auto_id(push_id: int) -> str:
    """Field ids unique per notification, as several can be on the page."""
    return f"id_push{push_id}_%s"


def _installation(installation_id: str) -> PhoneAppInstallation:
    return get_object_or_404(PhoneAppInstallation, installation_id=installation_id)


def _installations():
    return PhoneAppInstallation.objects.order_by("-created_at")


def _app_url(installation: PhoneAppInstallation, username: str) -> str:
    url = reverse("phone:app", args=[installation.installation_id])
    return f"{url}?{urlencode({'username': username})}" if username else url


def _pending_user(request: HttpRequest, installation: PhoneAppInstallation) -> User | None:
    pending = request.session.get(PENDING_KEY, {}).get(installation.installation_id)
    return User.objects.filter(pk=pending["user_id"]).first() if pending else None


def _pending_set(
    request: HttpRequest, installation: PhoneAppInstallation, pending: dict | None
) -> None:
    activations = request.session.get(PENDING_KEY, {})
    activations.pop(installation.installation_id, None)
    if pending is not None:
        activations[installation.installation_id] = pending
    request.session[PENDING_KEY] = activations


def _message(error: Exception) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
