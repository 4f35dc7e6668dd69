"""Simulator pages of the phone: installing the IBKR Mobile app, the app itself (activation,
notifications, Authenticate) and the SMS and voice inbox. The app remembers a pending
activation's token in the browser session, keyed by installation, as it would in its memory;
the activation itself is kept by the server (`phone_activation_views`)."""

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
from accounts.throttling import Verdict
from devices.forms import SecondFactorForm
from devices.ib_key.activation import ActivationState, ib_key_activation_state
from devices.ib_key.push import push_pending_for_installation
from devices.models import OutboundMessage, PushRequest
from simulators.authenticator_app import authenticator_codes
from simulators.cards import require_simulators
from simulators.models import PhoneAppInstallation
from simulators.phone import (
    AppError,
    app_authenticate,
    inbox_messages,
    phone_install,
    push_answer,
)
from simulators.phone_forms import (
    ActivationFinishForm,
    ActivationNumberForm,
    ActivationStartForm,
    AuthenticateForm,
    AuthenticatorKeyForm,
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
    return app_page(request, installation_get(installation_id))


@require_POST
def push_view(request: HttpRequest, installation_id: str, push_id: int) -> HttpResponse:
    """Approve a notification with PIN or biometrics, or report it ("I'm not logging in")."""
    require_simulators()
    installation = installation_get(installation_id)
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
            form.add_error(None, message_of(error))
        else:
            outcome = FRAUD_REPORTED if push.fraud_reported else OUTCOMES[push.status]
            messages.info(request, outcome)
            return redirect("phone:app", installation_id)
    return app_page(request, installation, answered=(push_id, form))


@require_POST
def authenticate_view(request: HttpRequest, installation_id: str) -> HttpResponse:
    """K2's fallback: PIN and challenge in, the response to type at login out."""
    require_simulators()
    installation = installation_get(installation_id)
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
    return app_page(request, installation, authenticate_form=form, display=display)


def app_page(
    request: HttpRequest, installation: PhoneAppInstallation, **overrides: object
) -> HttpResponse:
    answered_id, answered = overrides.pop("answered", (None, None))
    pending = pending_state(request, installation)
    context = {
        "installation": installation,
        "accounts": installation.accounts.order_by("username"),
        "pending": pending,
        "answer_form": _answer_form(pending),
        "start_form": ActivationStartForm(initial={"username": request.GET.get("username", "")}),
        "number_form": ActivationNumberForm(),
        "finish_form": ActivationFinishForm(installation=installation),
        "answered": answered,
        "pushes": [
            (push, answered if push.pk == answered_id else _push_form(push.pk))
            for push in push_pending_for_installation(installation.installation_id)
        ],
        "authenticate_form": AuthenticateForm(installation=installation),
        "display": "",
        "authenticator_form": AuthenticatorKeyForm(),
        "authenticator_codes": authenticator_codes(installation),
        **overrides,
    }
    return render(request, "simulators/phone_app.html", context)


def throttled(response: HttpResponse, verdict: Verdict) -> HttpResponse:
    """The app's page with the refusal, as 429 with Retry-After, as the server answers."""
    response.status_code = 429
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _push_form(push_id: int) -> PushAnswerForm:
    return PushAnswerForm(auto_id=_push_auto_id(push_id))


def _push_auto_id(push_id: int) -> str:
    """Field ids unique per notification, as several can be on the page."""
    return f"id_push{push_id}_%s"


def installation_get(installation_id: str) -> PhoneAppInstallation:
    return get_object_or_404(PhoneAppInstallation, installation_id=installation_id)


def _installations():
    return PhoneAppInstallation.objects.order_by("-created_at")


def _app_url(installation: PhoneAppInstallation, username: str) -> str:
    url = reverse("phone:app", args=[installation.installation_id])
    return f"{url}?{urlencode({'username': username})}" if username else url


def pending_token(request: HttpRequest, installation: PhoneAppInstallation) -> dict | None:
    """What the app remembers of its pending activation: the token and the user's name."""
    pending = request.session.get(PENDING_KEY, {}).get(installation.installation_id)
    return pending if isinstance(pending, dict) and pending.get("token") else None


def pending_state(
    request: HttpRequest, installation: PhoneAppInstallation
) -> ActivationState | None:
    """The server's view of the pending activation; one that ended is forgotten."""
    pending = pending_token(request, installation)
    if pending is None:
        return None
    state = ib_key_activation_state(token=pending["token"])
    if state is None:
        pending_set(request, installation, None)
    return state


def pending_set(
    request: HttpRequest, installation: PhoneAppInstallation, pending: dict | None
) -> None:
    activations = request.session.get(PENDING_KEY, {})
    activations.pop(installation.installation_id, None)
    if pending is not None:
        activations[installation.installation_id] = pending
    request.session[PENDING_KEY] = activations


def _answer_form(pending: ActivationState | None) -> SecondFactorForm | None:
    """The device answer of the pending activation, bound to the challenge shown."""
    if pending is None or pending.challenge is None:
        return None
    form = SecondFactorForm(
        initial={"device": pending.challenge.device_id, "challenge": pending.challenge.pk}
    )
    form.fields[
        "response"
    ].label = pending.challenge.device.authenticator.kind_behaviour.response_label
    return form


def message_of(error: Exception) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
