"""The app's IB Key activation screens (K1, G2): user name and password; the answer of a
permanent security device when the user holds one; the mobile number; the SMS code and the
app's PIN. Each step is decided by the server (`devices.ib_key.activation`); the
app keeps only the activation's token."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.client_info import ClientInfo
from accounts.services.login import LOGIN_FAILED
from accounts.services.throttle import throttle_attempt
from accounts.throttle_views import throttled_message
from devices.flows.device_step import Refusal
from devices.forms import SecondFactorForm
from devices.ib_key.activation import (
    ib_key_activation_answer,
    ib_key_activation_cancel,
    ib_key_activation_choose,
    ib_key_activation_number,
    ib_key_activation_start,
)
from simulators.cards import require_simulators
from simulators.phone import AppError, app_activate
from simulators.phone_forms import (
    ActivationDeviceForm,
    ActivationFinishForm,
    ActivationNumberForm,
    ActivationStartForm,
)
from simulators.phone_views import (
    app_page,
    installation_get,
    message_of,
    pending_set,
    pending_state,
    pending_token,
    throttled,
)

ANSWERED = "Your security device answered. Now the mobile number for the activation code."
WRONG_ANSWER = "That response is not right. Answer the new challenge shown."


@require_POST
def activation_start_view(request: HttpRequest, installation_id: str) -> HttpResponse:
    """K1 first step: the server checks password and phone, and asks a device (G2)."""
    require_simulators()
    installation = installation_get(installation_id)
    form = ActivationStartForm(request.POST)
    client = ClientInfo.from_request(request)
    if form.is_valid():
        verdict = throttle_attempt(
            scope="password", client=client, username=form.cleaned_data["username"]
        )
        if not verdict.allowed:
            form.add_error(None, throttled_message(verdict))
            return throttled(app_page(request, installation, start_form=form), verdict)
        try:
            started = ib_key_activation_start(
                **form.cleaned_data,
                platform=installation.platform,
                os_version=installation.os_version,
                rooted=installation.rooted,
                client=client,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            user = started.activation.user
            pending_set(request, installation, {"token": started.token, "username": user.username})
            return redirect("phone:app", installation_id)
    return app_page(request, installation, start_form=form)


@require_POST
def activation_device_view(request: HttpRequest, installation_id: str) -> HttpResponse:
    """A new challenge, on another of the user's permanent devices if one is picked."""
    require_simulators()
    installation = installation_get(installation_id)
    pending = pending_token(request, installation)
    form = ActivationDeviceForm(request.POST)
    if pending is not None:
        try:
            ib_key_activation_choose(
                token=pending["token"],
                device_id=form.cleaned_data["device"] if form.is_valid() else None,
                client=ClientInfo.from_request(request),
            )
        except ValidationError as error:
            messages.error(request, message_of(error))
    return redirect("phone:app", installation_id)


@require_POST
def activation_answer_view(request: HttpRequest, installation_id: str) -> HttpResponse:
    """The response of the security device, typed into the app, checked by the gate."""
    require_simulators()
    installation = installation_get(installation_id)
    pending = pending_token(request, installation)
    if pending is None:
        return redirect("phone:app", installation_id)
    form = SecondFactorForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    try:
        outcome = ib_key_activation_answer(
            token=pending["token"],
            device_id=data.get("device"),
            challenge_id=data.get("challenge"),
            response=data.get("response", ""),
            client=ClientInfo.from_request(request),
        )
    except ValidationError as error:
        messages.error(request, message_of(error))
        return redirect("phone:app", installation_id)
    if outcome.accepted:
        messages.success(request, ANSWERED)
    elif outcome.locked or outcome.refusal == Refusal.LOCKED:
        pending_set(request, installation, None)
        messages.error(request, LOGIN_FAILED)
    else:
        messages.error(request, outcome.message or WRONG_ANSWER)
    return redirect("phone:app", installation_id)


@require_POST
def activation_number_view(request: HttpRequest, installation_id: str) -> HttpResponse:
    """The mobile number: the server texts the code, to a number on record unless a
    permanent device answered (G2)."""
    require_simulators()
    installation = installation_get(installation_id)
    pending, state = pending_token(request, installation), pending_state(request, installation)
    if pending is None or state is None:
        return redirect("phone:app", installation_id)
    form = ActivationNumberForm(request.POST)
    if form.is_valid():
        client = ClientInfo.from_request(request)
        verdict = throttle_attempt(scope="activation", client=client, user=state.activation.user)
        if not verdict.allowed:
            form.add_error(None, throttled_message(verdict))
            return throttled(app_page(request, installation, number_form=form), verdict)
        try:
            ib_key_activation_number(token=pending["token"], **form.cleaned_data, client=client)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("phone:app", installation_id)
    return app_page(request, installation, number_form=form)


@require_POST
def activation_finish_view(request: HttpRequest, installation_id: str) -> HttpResponse:
    """K1 last step: code and PIN; the app makes its key and registers it."""
    require_simulators()
    installation = installation_get(installation_id)
    pending, state = pending_token(request, installation), pending_state(request, installation)
    if pending is None or state is None:
        return redirect("phone:app", installation_id)
    form = ActivationFinishForm(request.POST, installation=installation)
    if form.is_valid():
        client = ClientInfo.from_request(request)
        verdict = throttle_attempt(scope="activation", client=client, user=state.activation.user)
        if not verdict.allowed:
            form.add_error(None, throttled_message(verdict))
            return throttled(app_page(request, installation, finish_form=form), verdict)
        try:
            account = app_activate(
                installation=installation,
                token=pending["token"],
                code=form.cleaned_data["code"],
                pin=form.cleaned_data["pin"],
                biometrics=form.cleaned_data.get("biometrics", False),
                client=client,
            )
        except (ValidationError, AppError) as error:
            form.add_error(None, message_of(error))
        else:
            pending_set(request, installation, None)
            messages.success(request, f"IB Key is active for {account.username}.")
            return redirect("phone:app", installation_id)
    return app_page(request, installation, finish_form=form)


@require_POST
def activation_cancel_view(request: HttpRequest, installation_id: str) -> HttpResponse:
    require_simulators()
    installation = installation_get(installation_id)
    pending = pending_token(request, installation)
    if pending is not None:
        ib_key_activation_cancel(token=pending["token"])
    pending_set(request, installation, None)
    return redirect("phone:app", installation_id)
