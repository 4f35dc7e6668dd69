"""What a physical card computes, from what the card itself holds: its seed and PIN, its
printed grid, its own press counter. Nothing here reads challenges, sessions or users."""

from __future__ import annotations

import base64
import hmac
import json
import time

import pyotp
from django.conf import settings
from django.db import transaction
from django.http import Http404

from devices.crypto import secret_decrypt, secret_encrypt
from devices.kinds.one_time_code import TOTP_STEP_SECONDS
from devices.models import Authenticator
from devices.ocra import ocra_response, ocra_uses_pin
from simulators.models import SimulatedCard


class CardError(Exception):
    """The card shows nothing: unknown serial, wrong PIN, or a challenge it cannot read."""


def require_simulators() -> None:
    """Simulators do not exist where they are off (production): 404, not 403."""
    if not settings.SLS_SIMULATORS:
        raise Http404("Device simulators are off.")


def card_respond(*, serial: str, challenge: str, pin: str = "") -> str:
    """The keypad of a DSC+/DSC: PIN first (a wrong PIN gives no response), then the challenge."""
    card = _card(serial)
    if not card.ocra_suite:
        raise CardError("This card has no keypad.")
    if not challenge.isascii():
        raise CardError("The keypad has the keys 0 to 9 only.")
    if ocra_uses_pin(card.ocra_suite):
        card_pin = secret_decrypt(card.pin).decode() if card.pin else ""
        if not card_pin or not hmac.compare_digest(card_pin.encode(), pin.encode()):
            raise CardError("PIN incorrect.")
    try:
        return ocra_response(
            suite=card.ocra_suite, key=secret_decrypt(card.secret), challenge=challenge, pin=pin
        )
    except ValueError as exc:
        raise CardError("The card cannot read that challenge.") from exc


@transaction.atomic
def card_press(*, serial: str) -> str:
    """The button of a one-time-code card: the next code (HOTP) or the current one (TOTP)."""
    card = _card(serial)
    secret = base64.b32encode(secret_decrypt(card.secret)).decode()
    if card.otp_mode == "hotp":
        replica, _ = SimulatedCard.objects.select_for_update().get_or_create(serial=serial)
        code = pyotp.HOTP(secret, digits=card.otp_digits).at(replica.presses)
        replica.presses += 1
        replica.save(update_fields=["presses"])
        return code
    step = int(time.time()) // TOTP_STEP_SECONDS
    return pyotp.TOTP(secret, digits=card.otp_digits, interval=TOTP_STEP_SECONDS).generate_otp(step)


def card_print(*, serial: str, grid: dict[int, str]) -> None:
    """The printer's output for a paper card, kept for the simulator."""
    SimulatedCard.objects.update_or_create(
        serial=serial, defaults={"printed_grid": secret_encrypt(json.dumps(grid).encode())}
    )


def card_grid(*, serial: str) -> dict[int, str]:
    replica = SimulatedCard.objects.filter(serial=serial).exclude(printed_grid="").first()
    if replica is None:
        raise CardError("No printed card with that serial.")
    return {
        int(index): code for index, code in json.loads(secret_decrypt(replica.printed_grid)).items()
    }


def card_read_cells(*, serial: str, challenge: str) -> str:
    """What a person types for an SCC challenge such as "17,42": the two codes, no spaces."""
    grid = card_grid(serial=serial)
    try:
        return "".join(grid[int(index)] for index in challenge.split(","))
    except (KeyError, ValueError) as exc:
        raise CardError("Those index numbers are not on this card.") from exc


def _card(serial: str) -> Authenticator:
    card = Authenticator.objects.filter(serial=serial).first()
    if card is None:
        raise CardError("No card with that serial.")
    return card
