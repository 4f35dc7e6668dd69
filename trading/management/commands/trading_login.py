"""Log in to the trading platform over HTTP, as the trading desktop does, and print the
session the API opens (its bearer token included)."""

from __future__ import annotations

import json
import time
import urllib.error
from getpass import getpass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from devices.security_keys.software import SoftwareAuthenticator
from trading.client import ApiRefusal, TradingClient

NO_SECURITY_KEY = (
    "This device is a security key: answer it with --security-key FILE (a software key's "
    "file), or log in to Client Portal in a browser that can use the key."
)


class Command(BaseCommand):
    help = (
        "Log in to the trading platform through its API (password, then the security "
        "device: an IB Key push is waited for by polling, a security key is answered by a "
        "software key's file, other devices at the prompt) and print the session with its "
        "bearer token."
    )
    # The wait between polls of an IB Key push; an attribute so that tests can play the
    # phone there instead of sleeping.
    pause = staticmethod(time.sleep)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Portal base URL.")
        parser.add_argument("--username", help="Asked for when left out.")
        parser.add_argument("--password", help="Asked for, unechoed, when left out.")
        parser.add_argument("--device", type=int, help="Device id (default: the strongest).")
        parser.add_argument("--response", help="The device's response, for scripts.")
        parser.add_argument(
            "--fallback", action="store_true", help="IB Key: a challenge instead of a push."
        )
        parser.add_argument(
            "--security-key",
            metavar="FILE",
            help="A software security key's file (SoftwareAuthenticator.to_json()): answers "
            "a security key's challenge, and keeps the key's new use count in the file.",
        )
        parser.add_argument(
            "--origin",
            help="The origin the software key signs for (default: the first of "
            "SLS_WEBAUTHN_ORIGINS).",
        )
        parser.add_argument("--wait", type=float, default=120, help="Seconds to wait for a push.")
        parser.add_argument("--poll-interval", type=float, default=2.0)
        parser.add_argument("--token-only", action="store_true", help="Print only the token.")

    def handle(self, *args: object, **options: Any) -> None:
        api = TradingClient(options["url"])
        username = options["username"] or input("User name: ")
        password = options["password"] or getpass("Password: ")
        try:
            result = self._login(api, username, password, options)
        except ApiRefusal as refusal:
            raise CommandError(str(refusal)) from refusal
        except (urllib.error.URLError, ValueError) as error:
            message = f"No trading API answered at {options['url']}: {error}"
            raise CommandError(message) from error
        if options["token_only"]:
            self.stdout.write(result["token"])
        else:
            self.stdout.write(json.dumps(result, indent=2))

    def _login(self, api: TradingClient, username: str, password: str, options) -> dict:
        begun = api.post("/login", {"username": username, "password": password})
        if begun["status"] == "authenticated":
            return begun
        self._say("Devices: " + ", ".join(f"{d['id']} {d['label']}" for d in begun["devices"]))
        login_id = begun["login_id"]
        asked = api.post(
            "/login/challenge",
            {"login_id": login_id, "device_id": options["device"], "fallback": options["fallback"]},
        )
        if asked["type"] == "push":
            self._wait_for_phone(api, login_id, asked, options)
            return api.post("/login/verify", {"login_id": login_id, "push_id": asked["push_id"]})
        self._say(asked["prompt"])
        if options["response"]:
            response = options["response"]
        elif asked.get("webauthn"):
            response = self._security_key_answer(asked["webauthn"], options)
        else:
            response = getpass(f"{asked['response_label']}: ")
        return api.post(
            "/login/verify",
            {
                "login_id": login_id,
                "device_id": asked["device_id"],
                "challenge_id": asked["challenge_id"],
                "response": response,
            },
        )

    def _security_key_answer(self, request_options: dict, options) -> str:
        """The software key's assertion, as JSON text. The key counts the use in its file
        before anything is sent, as a real key would: a count the server has seen already
        would flag the key as cloned (F1)."""
        if not options["security_key"]:
            raise CommandError(NO_SECURITY_KEY)
        path = Path(options["security_key"])
        try:
            key = SoftwareAuthenticator.from_json(path.read_text())
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"Cannot read the security key file {path}: {error}") from error
        origin = options["origin"] or settings.SLS_WEBAUTHN_ORIGINS[0]
        assertion = key.get(request_options, origin=origin)
        path.write_text(key.to_json())
        self._say(f"Answered with the software security key in {path}, for {origin}.")
        return json.dumps(assertion)

    def _wait_for_phone(self, api: TradingClient, login_id: str, asked: dict, options) -> None:
        self._say(
            f"Approve the notification in IBKR Mobile: type the number {asked['number']} "
            "and confirm with your PIN or biometrics."
        )
        deadline = time.monotonic() + options["wait"]
        while True:
            state = api.post(
                "/login/push-state", {"login_id": login_id, "push_id": asked["push_id"]}
            )
            if state["status"] == "approved":
                return
            if state["status"] != "pending":
                raise CommandError(f"The notification was {state['status']}: Login failed.")
            if time.monotonic() >= deadline:
                raise CommandError("No answer from the phone in time; try --fallback.")
            self.pause(options["poll_interval"])

    def _say(self, text: str) -> None:
        """Guidance goes to stderr, so stdout holds only the result for scripts."""
        self.stderr.write(text)
