import json
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from devices.kinds import KINDS, kind_for
from devices.models import Authenticator
from simulators.cards import (
    CardError,
    card_press,
    card_read_cells,
    card_respond,
    require_simulators,
)
from simulators.models import SimulatedSecurityKey
from simulators.security_keys import (
    OPTIONS_MAX_LENGTH,
    SecurityKeyError,
    default_origin,
    security_key_sign,
)


class Command(BaseCommand):
    help = (
        "Play a card for scripts: the keypad response to a challenge (DSC+/DSC), the codes at "
        "two index numbers (SCC, challenge '17,42'), or a button press (Platinum/Gold); for a "
        "security key (its serial, or the simulated key's SIMKEY-… serial), the assertion "
        "JSON answering the request options given with --options or on standard input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("serial")
        parser.add_argument("--challenge", default="")
        parser.add_argument("--pin", default="")
        parser.add_argument(
            "--options",
            default="-",
            help="A security key's request options as JSON; '-' (the default) reads stdin.",
        )
        parser.add_argument(
            "--origin", default="", help="The origin a browser would send (default: the portal's)."
        )

    def handle(
        self,
        *args: object,
        serial: str,
        challenge: str,
        pin: str,
        options: str,
        origin: str,
        **kwargs: object,
    ) -> None:
        try:
            require_simulators()
        except Exception as exc:
            raise CommandError("Device simulators are off (SLS_SIMULATORS).") from exc
        code = Authenticator.objects.filter(serial=serial).values_list("kind", flat=True).first()
        action = kind_for(code).simulator_action if code in KINDS else "respond"
        if SimulatedSecurityKey.objects.filter(serial=serial).exists():
            action = "webauthn"
        try:
            if action == "webauthn":
                self.stdout.write(self._assertion(serial, options, origin))
            elif action == "cells":
                self.stdout.write(card_read_cells(serial=serial, challenge=challenge))
            elif action == "press":
                self.stdout.write(card_press(serial=serial))
            else:
                self.stdout.write(card_respond(serial=serial, challenge=challenge, pin=pin))
        except (CardError, SecurityKeyError) as exc:
            raise CommandError(str(exc)) from exc

    def _assertion(self, serial: str, options: str, origin: str) -> str:
        """One use of the key: its counter moves on in the simulator as on a real key."""
        if options == "-":
            options = sys.stdin.read(OPTIONS_MAX_LENGTH + 1)
        answer = security_key_sign(
            serial=serial, options=options, origin=origin or default_origin()
        )
        return json.dumps(answer, separators=(",", ":"))
