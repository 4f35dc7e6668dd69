"""Adding a security key or passkey from Settings → Secure Login System (F1, F2, G2): the
key's name with a fresh answer from a permanent device, then the browser's registration
ceremony, whose answer the service checks once. The pending registration stays in the
session (`RegistrationFlow`); the page holds only the options derived from it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.client_info import ClientInfo
from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from devices.assurance import Action
from devices.decorators import verified_login_required
from devices.fresh_factor import FreshFactorStep
from devices.security_keys.flow import RegistrationFlow
from devices.security_keys.forms import SecurityKeyCredentialForm, SecurityKeyNameForm
from devices.security_keys.selectors import security_keys_of
from devices.security_keys.services import (
    security_key_creation_options,
    security_key_refusal_record,
    security_key_register,
    security_key_registration_begin,
)
from devices.security_keys.webauthn import relying_party
from devices.services.on_record import activation_refusal_audit

START_AGAIN = (
    "The security key registration expired or was already used, so no key was added. "
    "Start again: name the key and answer your security device."
)
ADDED = 'Security key "{name}" added: it can approve your logins from now on.'


@sensitive_post_parameters("response")
@never_cache
@require_http_methods(["GET", "POST"])
@verified_login_required
def security_key_add_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step 1: the name and a fresh answer from a permanent device (G2). A user holding
    none (only a temporary passcode or online card) is told why the key cannot be added."""
    step = FreshFactorStep(request, Action.ADD_SECURITY_KEY)
    if not step.available:
        if request.method == "POST":
            activation_refusal_audit(
                user=request.user,
                action=Action.ADD_SECURITY_KEY,
                reason="no_permanent_device",
                client=ClientInfo.from_request(request),
            )
        return render(request, "devices/security_keys/refused.html", status=403)
    form = SecurityKeyNameForm(request.POST or None, user=request.user)
    if form.is_valid():
        proof = step.verify()
        if proof is not None:
            pending = security_key_registration_begin(
                user=request.user, name=form.cleaned_data["name"], fresh_factor=proof
            )
            RegistrationFlow(request).start(pending)
            return redirect("security_keys:register")
        locked = step.locked_out_response()
        if locked is not None:
            return locked
    context = {"form": form, **step.context(), **relying_party_context()}
    return render(request, "devices/security_keys/add.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@verified_login_required
def security_key_register_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step 2: the page asks the browser for a new credential and posts it back here. The
    pending registration is taken by the first post, whatever it holds."""
    flow = RegistrationFlow(request)
    if request.method == "POST":
        return _register(request, flow)
    pending = flow.peek()
    if pending is None or not pending.is_open(user=request.user, at=timezone.now()):
        messages.error(request, START_AGAIN)
        return redirect("security_keys:add")
    options = security_key_creation_options(user=request.user, challenge=pending.challenge)
    context = {
        "pending": pending,
        "creation_options": options,
        "form": SecurityKeyCredentialForm(),
        **relying_party_context(),
    }
    return render(request, "devices/security_keys/register.html", context)


def _register(request: AuthenticatedHttpRequest, flow: RegistrationFlow) -> HttpResponse:
    client = ClientInfo.from_request(request)
    pending = flow.take()
    form = SecurityKeyCredentialForm(request.POST)
    if pending is None or not pending.is_open(user=request.user, at=timezone.now()):
        reason = "not_pending" if pending is None else "expired"
        security_key_refusal_record(user=request.user, reason=reason, client=client)
        messages.error(request, START_AGAIN)
        return redirect("security_keys:add")
    if not form.is_valid():
        security_key_refusal_record(user=request.user, reason="malformed_answer", client=client)
        messages.error(request, str(form.errors["credential"][0]))
        return redirect("security_keys:add")
    try:
        device = security_key_register(
            user=request.user,
            name=pending.name,
            answer=form.cleaned_data["credential"],
            challenge=pending.challenge,
            client=client,
        )
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
        return redirect("security_keys:add")
    messages.success(request, ADDED.format(name=device.name))
    return redirect("accounts:secure_login")


def relying_party_context() -> dict[str, object]:
    """Where keys work: a credential is bound to the relying party, and a browser uses it
    only on these origins, never on an IP address."""
    party = relying_party()
    return {"webauthn_rp_id": party.id, "webauthn_origins": party.origins}


def security_keys_context(user: User) -> dict[str, object]:
    """The Secure Login System page's list of the user's keys, with the link to add one."""
    return {"security_keys": security_keys_of(user), **relying_party_context()}
