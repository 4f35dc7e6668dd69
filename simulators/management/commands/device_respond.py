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


class Command(BaseCommand):
    help = (
        "Play a card for scripts: the keypad response to a challenge (DSC+/DSC), the codes at "
        "two index numbers (SCC, challenge '17,42'), or a button press (Platinum/Gold)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("serial")
        parser.add_argument("--challenge", default="")
        parser.add_argument("--pin", default="")

    def handle(self, *args: object, serial: str, challenge: str, pin: str, **options) -> None:
        try:
            require_simulators()
        except Exception as exc:
            raise CommandError("Device simulators are off (SLS_SIMULATORS).") from exc
        code = Authenticator.objects.filter(serial=serial).values_list("kind", flat=True).first()
        action = kind_for(code).simulator_action if code in KINDS else "respond"
        try:
            if action == "cells":
                self.stdout.write(card_read_cells(serial=serial, challenge=challenge))
            elif action == "press":
                self.stdout.write(card_press(serial=serial))
            else:
                self.stdout.write(card_respond(serial=serial, challenge=challenge, pin=pin))
        except CardError as exc:
            raise CommandError(str(exc)) from exc
