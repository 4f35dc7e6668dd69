from django.core.management.base import BaseCommand

from devices.demo import DEMO_STOCK, seed_demo_devices
from portal.demo import seed_demo

SECURITY_KEY_HOW = [
    "Security keys and passkeys (WebAuthn) work only at http://localhost:8000, not 127.0.0.1",
    "  (browsers refuse an IP address as a WebAuthn site). Answer them with:",
    "  - the simulated key at /simulators/security-key/: paste the options of the page, then",
    "    paste the key's answer back (scripts: manage.py device_respond SERIAL < options.json);",
    "  - Chrome DevTools' WebAuthn panel (a virtual authenticator), once registered at",
    "    /settings/secure-login/security-keys/add/;",
    "  - a real security key or passkey, registered there.",
]


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
            "Device simulators: /simulators/ (card keypads, printed cards, phones, SMS inbox, "
            "security keys)."
        )
        for line in SECURITY_KEY_HOW:
            self.stdout.write(line)
        self.stdout.write(
            "Authenticator apps: add the otpauth URI above to any TOTP app, or press the\n"
            "  button at /simulators/token/?serial=SERIAL (manage.py device_respond SERIAL)."
        )
        self.stdout.write(
            f"DSC+ cards in stock for the replacement wizard: {', '.join(DEMO_STOCK)}."
        )
        self.stdout.write("Login help: /help/login/. Trading-platform API: /api/trading/docs.")
