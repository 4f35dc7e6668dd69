"""Logging in from tests: the password step, then the device step answered by the card
simulator, as a person holding the card would."""

from __future__ import annotations

import json

from django.db.models import QuerySet
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.client_info import SYSTEM, ClientInfo
from accounts.models import AuditEvent, User
from devices.assurance import Action
from devices.flows.device_step import Answer, step_answer
from devices.models import SecurityDevice
from simulators.cards import card_press, card_read_cells, card_respond
from simulators.security_keys import default_origin, security_key_sign
from tests.factories import DEFAULT_PIN


def post_login(client: Client, username: str, password: str, **extra: str) -> HttpResponse:
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def login_error(response: HttpResponse) -> str | None:
    """The page-level error of the login form, or None when there is none."""
    form = response.context["form"] if response.context else None
    if form is None or not form.non_field_errors():
        return None
    return form.non_field_errors()[0]


def card_answer(device: SecurityDevice, challenge: str, pin: str = DEFAULT_PIN) -> str:
    """What the holder of `device` types for `challenge`, or what the browser posts for a
    security key (the simulated key's assertion for the challenge's request options)."""
    authenticator = device.authenticator
    behaviour = authenticator.kind_behaviour
    if authenticator.kind == "scc":
        return card_read_cells(serial=authenticator.serial, challenge=challenge)
    if behaviour.simulator_action == "webauthn":
        options = behaviour.client_options(authenticator, challenge)
        answer = security_key_sign(
            serial=authenticator.serial, options=json.dumps(options), origin=default_origin()
        )
        return json.dumps(answer)
    if authenticator.otp_mode or behaviour.simulator_action == "press":
        return card_press(serial=authenticator.serial)
    return card_respond(serial=authenticator.serial, challenge=challenge, pin=pin)


def device_page(
    client: Client, device: SecurityDevice | None = None, next_url: str = ""
) -> HttpResponse:
    query = {"device": device.pk} if device else {}
    if next_url:
        query["next"] = next_url
    return client.get(reverse("devices:login_device"), query)


def is_device_step(response: HttpResponse) -> bool:
    """The page of the second step, which a right password is answered with (L4)."""
    return response.status_code == 200 and "device" in (response.context or {})


def answer_device(
    client: Client, response: str | None = None, page: HttpResponse | None = None, **extra: str
) -> HttpResponse:
    """Post the card's answer (or `response` instead) to the device step on `page`, or on
    the device step opened anew."""
    page = page or device_page(client)
    device, challenge = page.context["device"], page.context["challenge"]
    answer = card_answer(device, challenge.value) if response is None else response
    return client.post(
        reverse("devices:login_device"),
        {"device": device.pk, "challenge": challenge.pk, "response": answer},
        **extra,
    )


def full_login(client: Client, username: str, password: str, **extra: str) -> HttpResponse:
    """Both steps; the final response (a redirect into the portal when it worked)."""
    first = post_login(client, username, password, **extra)
    if not is_device_step(first):
        return first
    return answer_device(client, page=first, **extra)


def is_logged_in(client: Client) -> bool:
    return client.get(reverse("accounts:dashboard")).status_code == 200


def login_events() -> QuerySet[AuditEvent]:
    """Audit events of the login flow, leaving out e.g. the device assignments of fixtures."""
    return AuditEvent.objects.filter(event_type__startswith="login.")


def push_login_verify(
    *, user: User, push_id: int, attempt: str, client: ClientInfo = SYSTEM
) -> SecurityDevice | None:
    """The gate's answer to an IB Key push for a portal login: the approving device, or
    None (a refusal, counted)."""
    outcome = step_answer(
        user=user,
        action=Action.LOGIN_PORTAL,
        answer=Answer(push_id=push_id),
        attempt=attempt,
        client=client,
    )
    return outcome.device if outcome.accepted else None
