"""The DSC+ order wizard on Settings → Secure Login System (T5, KB1943): shipping address
(with "Change Address"), PIN and deposit account, summary with Back, confirmation.

What the client chose is kept in the server-side session, never in hidden fields, and
the PIN there is encrypted like a card's. Placing the order clears it, so a replayed or
double-clicked submission finds nothing to submit and the open order explains why.
"""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.client_info import ClientInfo
from accounts.decorators import verified_login_required
from accounts.models import Client
from accounts.services.addresses import Address, client_address_change

from .crypto import secret_decrypt, secret_encrypt
from .order_forms import AddressForm, PinAndAccountForm
from .order_selectors import dsc_plus_eligibility, hold_accounts, open_order
from .services.orders import ALREADY_ORDERED, device_order_place

WIZARD_KEY = "sls_dsc_plus_order"
PLACED_KEY = "sls_dsc_plus_placed"
ADDRESS_CHANGED = "Your address has been updated."
ADDRESS_NEEDED = "Please add your full address with Change Address before continuing."


@verified_login_required
@never_cache
def order_start_view(request: HttpRequest) -> HttpResponse:
    eligibility = dsc_plus_eligibility(request.user)
    return render(
        request,
        "devices/order_start.html",
        {"eligibility": eligibility, "order": open_order(request.user)},
    )


@verified_login_required
@never_cache
@require_http_methods(["GET", "POST"])
def order_address_view(request: HttpRequest) -> HttpResponse:
    if not dsc_plus_eligibility(request.user).allowed:
        return redirect("dsc_plus:start")
    address = Address.of(request.user.client)
    if request.method == "POST":
        if address.complete:
            request.session[WIZARD_KEY] = {"address": asdict(address)}
            return redirect("dsc_plus:pin")
        messages.error(request, ADDRESS_NEEDED)
    return render(request, "devices/order_address.html", {"address": address})


@verified_login_required
@never_cache
@require_http_methods(["GET", "POST"])
def order_address_change_view(request: HttpRequest) -> HttpResponse:
    if not dsc_plus_eligibility(request.user).allowed:
        return redirect("dsc_plus:start")
    client: Client = request.user.client
    current = Address.of(client)
    form = AddressForm(
        request.POST if request.method == "POST" else None,
        initial={**asdict(current)},
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            client_address_change(
                user=request.user,
                address=Address(
                    data["address_line"], data["city"], data["postal_code"], data["country"]
                ),
                client=ClientInfo.from_request(request),
            )
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, ADDRESS_CHANGED)
            return redirect("dsc_plus:address")
    return render(request, "devices/order_address_change.html", {"form": form})


@sensitive_post_parameters("pin", "pin_again")
@verified_login_required
@never_cache
@require_http_methods(["GET", "POST"])
def order_pin_view(request: HttpRequest) -> HttpResponse:
    state = request.session.get(WIZARD_KEY)
    if not isinstance(state, dict) or "address" not in state:
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
    return render(request, "devices/order_pin.html", {"form": form})


@verified_login_required
@never_cache
@require_http_methods(["GET", "POST"])
def order_summary_view(request: HttpRequest) -> HttpResponse:
    state = request.session.get(WIZARD_KEY)
    if not isinstance(state, dict) or not {"address", "pin", "hold_account"} <= state.keys():
        if request.method == "POST" and open_order(request.user) is not None:
            messages.info(request, ALREADY_ORDERED)
        return redirect("dsc_plus:start")
    eligibility = dsc_plus_eligibility(request.user)
    address = Address(**state["address"])
    account = hold_accounts(request.user).filter(pk=state["hold_account"]).first()
    error = ""
    if request.method == "POST":
        try:
            order = device_order_place(
                user=request.user,
                address=address,
                pin=secret_decrypt(state["pin"]).decode(),
                hold_account_id=state["hold_account"],
                client=ClientInfo.from_request(request),
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
            if open_order(request.user) is not None:
                request.session.pop(WIZARD_KEY, None)
                messages.info(request, error)
                return redirect("dsc_plus:start")
        else:
            request.session.pop(WIZARD_KEY, None)
            request.session[PLACED_KEY] = order.pk
            return redirect("dsc_plus:confirmation")
    return render(
        request,
        "devices/order_summary.html",
        {"address": address, "account": account, "replaces": eligibility.replaces, "error": error},
    )


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
    return render(request, "devices/order_confirmation.html", {"order": order})
