"""The DSC+ order wizard on Settings → Secure Login System (T5, KB1943): shipping address
(with "Change Address"), PIN and deposit account, summary with Back, confirmation.

The card ships to the address of record only (G4): the wizard shows it and the order reads
it itself. Change Address changes the address of record, with a fresh answer from a
permanent device or through the Security Team; placing the order takes a fresh answer for
it on the summary page.

What the client chose is kept in the server-side session, never in hidden fields, and
the PIN there is encrypted like a card's. Placing the order clears it, so a replayed or
double-clicked submission finds nothing to submit and the open order explains why.
"""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.client_info import ClientInfo
from accounts.models import SecurityTeamRequest
from accounts.services.addresses import Address
from devices.assurance import Action
from devices.crypto import secret_decrypt, secret_encrypt
from devices.decorators import verified_login_required
from devices.fresh_factor import FreshFactorStep
from devices.services.self_service import client_address_change
from orders.forms import AddressForm, PinAndAccountForm
from orders.selectors import dsc_plus_eligibility, hold_accounts, open_order
from orders.services.orders import ALREADY_ORDERED, device_order_place

WIZARD_KEY = "sls_dsc_plus_order"
PLACED_KEY = "sls_dsc_plus_placed"
ADDRESS_SEEN = "address_seen"
ADDRESS_CHANGED = "Your address of record has been updated."
ADDRESS_QUEUED = (
    "Your new address was sent to the Security Team: a member of the team will call you "
    "on the telephone number on record before it is changed. Until then your card ships "
    "to the address of record shown here."
)
ADDRESS_NEEDED = "Please add your full address with Change Address before continuing."


@verified_login_required
@never_cache
def order_start_view(request: HttpRequest) -> HttpResponse:
    eligibility = dsc_plus_eligibility(request.user)
    return render(
        request,
        "orders/order_start.html",
        {"eligibility": eligibility, "order": open_order(request.user)},
    )


@verified_login_required
@never_cache
@require_http_methods(["GET", "POST"])
def order_address_view(request: HttpRequest) -> HttpResponse:
    """The address of record, where the card will go (G4); the wizard keeps no address of
    its own."""
    if not dsc_plus_eligibility(request.user).allowed:
        return redirect("dsc_plus:start")
    address = Address.of(request.user.client)
    if request.method == "POST":
        if address.complete:
            request.session[WIZARD_KEY] = {ADDRESS_SEEN: True}
            return redirect("dsc_plus:pin")
        messages.error(request, ADDRESS_NEEDED)
    context = {"address": address, "pending": _pending_address_change(request)}
    return render(request, "orders/order_address.html", context)


@sensitive_post_parameters("response")
@verified_login_required
@never_cache
@require_http_methods(["GET", "POST"])
def order_address_change_view(request: HttpRequest) -> HttpResponse:
    """Change Address: the address of record itself, after a fresh answer from a permanent
    device, or through the Security Team for a client who holds none (G4)."""
    if not dsc_plus_eligibility(request.user).allowed:
        return redirect("dsc_plus:start")
    step = FreshFactorStep(request, Action.CHANGE_ADDRESS)
    current = Address.of(request.user.client)
    form = AddressForm(
        request.POST if request.method == "POST" else None, initial={**asdict(current)}
    )
    if form.is_valid():
        data = form.cleaned_data
        address = Address(data["address_line"], data["city"], data["postal_code"], data["country"])
        proof = step.verify() if step.available else None
        if step.available and proof is None:
            locked_out = step.locked_out_response()
            if locked_out is not None:
                return locked_out
        else:
            try:
                outcome = client_address_change(
                    user=request.user,
                    address=address,
                    fresh_factor=proof,
                    client=ClientInfo.from_request(request),
                )
            except (ValidationError, PermissionDenied) as refused:
                form.add_error(None, refused)
            else:
                messages.success(request, ADDRESS_CHANGED if outcome.applied else ADDRESS_QUEUED)
                return redirect("dsc_plus:address")
    context = {
        "form": form,
        "current": current,
        "pending": _pending_address_change(request),
        "security_team_route": not step.available,
        **step.context(),
    }
    return render(request, "orders/order_address_change.html", context)


@sensitive_post_parameters("pin", "pin_again")
@verified_login_required
@never_cache
@require_http_methods(["GET", "POST"])
def order_pin_view(request: HttpRequest) -> HttpResponse:
    state = request.session.get(WIZARD_KEY)
    if not isinstance(state, dict) or ADDRESS_SEEN not in state:
        return redirect("dsc_plus:start")
    accounts = hold_accounts(request.user)
    form = PinAndAccountForm(
        request.POST if request.method == "POST" else None,
        accounts=accounts,
        initial={"hold_account": state.get("hold_account", request.user.account_id)},
    )
    if form.is_valid():
        state["pin"] = secret_encrypt(form.cleaned_data["pin"].encode())
        state["hold_account"] = form.cleaned_data["hold_account"].pk
        request.session[WIZARD_KEY] = state
        return redirect("dsc_plus:summary")
    return render(request, "orders/order_pin.html", {"form": form})


@sensitive_post_parameters("response")
@verified_login_required
@never_cache
@require_http_methods(["GET", "POST"])
def order_summary_view(request: HttpRequest) -> HttpResponse:
    """The summary, shipping to the address of record as it is now; Continue places the
    order with a fresh answer for it (G4: any active device within its window)."""
    state = request.session.get(WIZARD_KEY)
    if not isinstance(state, dict) or not {ADDRESS_SEEN, "pin", "hold_account"} <= state.keys():
        if request.method == "POST" and open_order(request.user) is not None:
            messages.info(request, ALREADY_ORDERED)
        return redirect("dsc_plus:start")
    eligibility = dsc_plus_eligibility(request.user)
    step = FreshFactorStep(request, Action.ORDER_REPLACEMENT)
    error = ""
    if request.method == "POST":
        proof = step.verify()
        if proof is None:
            locked_out = step.locked_out_response()
            if locked_out is not None:
                return locked_out
        else:
            try:
                order = device_order_place(
                    user=request.user,
                    pin=secret_decrypt(state["pin"]).decode(),
                    hold_account_id=state["hold_account"],
                    fresh_factor=proof,
                    client=ClientInfo.from_request(request),
                )
            except (ValidationError, PermissionDenied) as refused:
                error = " ".join(getattr(refused, "messages", [str(refused)]))
                if open_order(request.user) is not None:
                    request.session.pop(WIZARD_KEY, None)
                    messages.info(request, error)
                    return redirect("dsc_plus:start")
            else:
                request.session.pop(WIZARD_KEY, None)
                request.session[PLACED_KEY] = order.pk
                return redirect("dsc_plus:confirmation")
    context = {
        "address": Address.of(request.user.client),
        "account": hold_accounts(request.user).filter(pk=state["hold_account"]).first(),
        "replaces": eligibility.replaces,
        "error": error,
        **step.context(),
    }
    return render(request, "orders/order_summary.html", context)


@verified_login_required
@never_cache
def order_confirmation_view(request: HttpRequest) -> HttpResponse:
    order = (
        request.user.device_orders.select_related("authenticator", "hold_account")
        .filter(pk=request.session.get(PLACED_KEY))
        .first()
    )
    if order is None:
        return redirect("dsc_plus:start")
    return render(request, "orders/order_confirmation.html", {"order": order})


def _pending_address_change(request: HttpRequest) -> SecurityTeamRequest | None:
    return SecurityTeamRequest.objects.filter(
        user=request.user,
        kind=SecurityTeamRequest.Kind.ADDRESS,
        status=SecurityTeamRequest.Status.PENDING,
    ).first()
