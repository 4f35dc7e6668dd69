from django.core.management.base import BaseCommand

from devices.demo import DEMO_STOCK, seed_demo_devices
from portal.demo import seed_demo


class Command(BaseCommand):
    help = "Create or refresh the demo clients, users and devices (safe to run repeatedly)."

    def handle(self, *args: object, **options: object) -> None:
        logins = seed_demo()
        devices = {}
        for device in seed_demo_devices():
            devices.setdefault(device.username, []).append(device)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at /login/ as:"))
        for login in logins:
            self.stdout.write(f"  {login.username:<8} password {login.password:<18} {login.role}")
            for device in devices.get(login.username, []):
                self.stdout.write(f"           then {device.serial}: {device.how}")
        self.stdout.write(
            "Device simulators: /simulators/ (card keypads, printed cards, phones, SMS inbox)."
        )
        self.stdout.write(
            f"DSC+ cards in stock for the replacement wizard: {', '.join(DEMO_STOCK)}."
        )
        self.stdout.write("Login help: /help/login/. Trading-platform API: /api/trading/docs.")
