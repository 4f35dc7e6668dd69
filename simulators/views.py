"""Simulator pages: the DSC+/DSC keypad, one-time-code cards, printed grid cards. They stand
for what the client holds and never see the login in progress."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from devices.models import Authenticator
from devices.temporary.online_card_image import GRID_COLUMNS
from simulators.cards import (
    CardError,
    card_grid,
    card_press,
    card_respond,
    require_simulators,
)
from simulators.forms import KeypadForm, TokenForm
from simulators.models import SimulatedCard


@require_http_methods(["GET"])
def index_view(request: HttpRequest) -> HttpResponse:
    require_simulators()
    context = {
        "keypad_cards": Authenticator.objects.exclude(ocra_suite="").values_list(
            "serial", flat=True
        ),
        "token_cards": Authenticator.objects.exclude(otp_mode="").values_list("serial", flat=True),
        "printed_cards": SimulatedCard.objects.exclude(printed_grid="").values_list(
            "serial", flat=True
        ),
    }
    return render(request, "simulators/index.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def keypad_view(request: HttpRequest) -> HttpResponse:
    require_simulators()
    form = KeypadForm(request.POST or None, initial={"serial": request.GET.get("serial", "")})
    display = ""
    if form.is_valid():
        try:
            display = card_respond(
                serial=form.cleaned_data["serial"],
                pin=form.cleaned_data["pin"],
                challenge=form.cleaned_data["challenge"],
            )
        except CardError as error:
            form.add_error(None, str(error))
    return render(request, "simulators/keypad.html", {"form": form, "display": display})


@never_cache
@require_http_methods(["GET", "POST"])
def token_view(request: HttpRequest) -> HttpResponse:
    require_simulators()
    form = TokenForm(request.POST or None, initial={"serial": request.GET.get("serial", "")})
    display = ""
    if form.is_valid():
        try:
            display = card_press(serial=form.cleaned_data["serial"])
        except CardError as error:
            form.add_error(None, str(error))
    return render(request, "simulators/token.html", {"form": form, "display": display})


@never_cache
@require_http_methods(["GET"])
def printed_card_view(request: HttpRequest, serial: str) -> HttpResponse:
    require_simulators()
    try:
        grid = card_grid(serial=serial)
    except CardError as error:
        return render(request, "simulators/no_card.html", {"error": error}, status=404)
    cells = sorted(grid.items())
    rows = [cells[start : start + GRID_COLUMNS] for start in range(0, len(cells), GRID_COLUMNS)]
    return render(request, "simulators/printed_card.html", {"serial": serial, "rows": rows})
