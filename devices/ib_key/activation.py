"""IB Key activation in the app (K1, G2), as the server sees it: user name and password,
the phone (K6); then, for a user who holds a permanent device, that device's answer through
the gate; then a mobile number and an SMS code; then the app's key is registered.

The password alone never adds a device: the number a code may go to is any number only
after a permanent device answered, else only a number on record (`on_record`). The pending
activation is a row here, bound to a token the app holds, short-lived and single use."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.services.lockout import lockout_is_active
from accounts.services.login import INVALID_CREDENTIALS, login_password_check
from devices import conf
from devices.assurance import Action
from devices.flows.device_step import (
    NO_DEVICE,
    Answer,
    Refusal,
    StepOutcome,
    step_answer,
    step_challenge,
    step_device_choose,
    step_devices,
)
from devices.ib_key.services import IbKeyRegistration, ib_key_register
from devices.models import ActivationCode, Challenge, IbKeyActivation, SecurityDevice
from devices.phone import phone_number_parse
from devices.services.activation import activation_code_redeem, activation_code_send
from devices.services.challenges import challenge_open_for
from devices.services.on_record import (
    CALL_CLIENT_SERVICES,
    activation_refusal_audit,
    number_on_record_require,
    numbers_on_record,
    numbers_on_record_masked,
)

ACTION = Action.ACTIVATE_IB_KEY
Stage = IbKeyActivation.Stage
# K6: the oldest major versions whose key store and screen lock the app relies on.
MINIMUM_MAJOR_VERSION = {"ios": 13, "android": 7}
PLATFORM_NAMES = {"ios": "iOS", "android": "Android"}
ACTIVATION_OVER = "This activation has ended or expired. Start again."
ANSWER_FIRST = "Answer your security device first."
OTHER_STEP = "That step is not the one this activation is at; continue on the screen shown."
WRONG_CODE = "The activation code is wrong, already used or expired."


@dataclass(frozen=True)
class ActivationStarted:
    """The token the app keeps (the server keeps only its digest), and the row."""

    token: str
    activation: IbKeyActivation


@dataclass(frozen=True)
class ActivationState:
    """What the app shows for a pending activation."""

    activation: IbKeyActivation
    devices: list[SecurityDevice] = field(default_factory=list)
    challenge: Challenge | None = None
    prompt: str = ""
    numbers_on_record: list[str] = field(default_factory=list)


def ib_key_phone_check(*, platform: str, os_version: str, rooted: bool) -> None:
    """K6: refuse a phone whose OS is too old, or a rooted Android phone, whose key store
    cannot be trusted to keep the app's private key; the error says which rule failed."""
    minimum = MINIMUM_MAJOR_VERSION.get(platform)
    if minimum is None:
        raise ValidationError("IB Key runs on iOS and Android phones only.")
    name = PLATFORM_NAMES[platform]
    major = os_version.split(".", 1)[0]
    if not (major.isascii() and major.isdigit()):
        raise ValidationError(f"The {name} version must be a number such as {minimum}.0.")
    if int(major) < minimum:
        raise ValidationError(
            f"IB Key needs {name} {minimum} or later; this phone has {os_version}."
        )
    if platform == "android" and rooted:
        raise ValidationError("IB Key does not run on a rooted Android phone.")


def ib_key_activation_start(
    *,
    username: str,
    password: str,
    platform: str,
    os_version: str,
    rooted: bool,
    client: ClientInfo,
) -> ActivationStarted:
    """K1 first step: the password (a wrong one counts towards L3 and answers like the
    login page), the phone (K6), then a challenge of the user's strongest permanent device
    (G2); a user without one goes straight to the number, which must be on record."""
    user = login_password_check(username=username, password=password, client=client).user
    if user is None:
        raise ValidationError(INVALID_CREDENTIALS)
    ib_key_phone_check(platform=platform, os_version=os_version, rooted=rooted)
    devices = step_devices(user, ACTION)
    if not devices and not numbers_on_record(user):
        activation_refusal_audit(
            user=user, action=ACTION, reason="no_number_on_record", client=client
        )
        raise ValidationError(CALL_CLIENT_SERVICES, code="no_number_on_record")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        IbKeyActivation.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
        activation = IbKeyActivation.objects.create(
            token_digest=_digest(token),
            user=user,
            attempt=secrets.token_urlsafe(24),
            stage=Stage.ANSWER if devices else Stage.NUMBER,
            created_at=now,
            expires_at=now + conf.IB_KEY_ACTIVATION_TTL,
        )
        if devices:
            _ask(activation, devices[0])
    return ActivationStarted(token=token, activation=activation)


def ib_key_activation_state(*, token: str) -> ActivationState | None:
    """The pending activation behind `token` and what its current step shows; None once
    it has ended or expired."""
    activation = _open(token)
    if activation is None:
        return None
    if activation.stage == Stage.ANSWER:
        device = activation.asked_device
        challenge = None
        prompt = ""
        if device is not None:
            challenge = challenge_open_for(
                device=device, attempt=activation.attempt, purpose=ACTION
            )
            if challenge is not None:
                prompt = device.authenticator.kind_behaviour.prompt(challenge.value)
        return ActivationState(
            activation=activation,
            devices=step_devices(activation.user, ACTION),
            challenge=challenge,
            prompt=prompt,
        )
    if activation.stage == Stage.NUMBER and activation.answered_by_id is None:
        return ActivationState(
            activation=activation, numbers_on_record=numbers_on_record_masked(activation.user)
        )
    return ActivationState(activation=activation)


def ib_key_activation_choose(
    *, token: str, device_id: int | None, client: ClientInfo
) -> IbKeyActivation:
    """A new challenge on the permanent device the user picked (or the strongest)."""
    activation = _required(token, Stage.ANSWER)
    device = step_device_choose(step_devices(activation.user, ACTION), device_id)
    if device is None:
        raise ValidationError(NO_DEVICE)
    with transaction.atomic():
        _ask(activation, device)
    return activation


def ib_key_activation_answer(
    *,
    token: str,
    device_id: int | None,
    challenge_id: int | None,
    response: str,
    client: ClientInfo,
) -> StepOutcome:
    """The device's answer, checked by the gate (a wrong one counts towards L3); accepted,
    the activation may go on to any mobile number. A lock ends the activation."""
    activation = _required(token, Stage.ANSWER)

    def accept(device: SecurityDevice) -> None:
        IbKeyActivation.objects.filter(
            pk=activation.pk, stage=Stage.ANSWER, used_at__isnull=True
        ).update(stage=Stage.NUMBER, answered_by=device)

    outcome = step_answer(
        user=activation.user,
        action=ACTION,
        answer=Answer(device_id=device_id, challenge_id=challenge_id, response=response),
        attempt=activation.attempt,
        client=client,
        on_accept=accept,
    )
    if outcome.locked or outcome.refusal == Refusal.LOCKED:
        _end(activation)
    elif not outcome.accepted and activation.asked_device is not None:
        _ask_again(activation, activation.asked_device)
    return outcome


def ib_key_activation_number(
    *, token: str, country: str, national_number: str, client: ClientInfo
) -> IbKeyActivation:
    """Text a code to the mobile number: any number after a permanent device answered,
    else only a number on record (G2). A refusal is audited."""
    activation = _open(token)
    if activation is None:
        raise ValidationError(ACTIVATION_OVER)
    if activation.stage == Stage.ANSWER:
        activation_refusal_audit(
            user=activation.user, action=ACTION, reason="device_not_answered", client=client
        )
        raise ValidationError(ANSWER_FIRST)
    if activation.stage != Stage.NUMBER:
        raise ValidationError(ACTIVATION_OVER)
    phone_number = phone_number_parse(country=country, national_number=national_number)
    if activation.answered_by_id is None:
        number_on_record_require(
            user=activation.user, phone_number=phone_number, action=ACTION, client=client
        )
    with transaction.atomic():
        activation = _open(token, lock=True)
        if activation is None or activation.stage != Stage.NUMBER:
            raise ValidationError(ACTIVATION_OVER)
        activation.code = activation_code_send(
            user=activation.user, purpose=ActivationCode.Purpose.IB_KEY, phone_number=phone_number
        )
        activation.phone_number = phone_number
        activation.stage = Stage.CODE
        activation.save(update_fields=["code", "phone_number", "stage"])
    return activation


def ib_key_activation_finish(
    *, token: str, code: str, installation_id: str, public_key_pem: str, client: ClientInfo
) -> IbKeyRegistration:
    """K1 last step: the SMS code this activation sent (single-use, short-lived, a few
    tries) proves the number, then the installation's key is registered (K3 add user, K4
    old phone retired, K7 SMS device retired). The code is spent in its own transaction,
    so a wrong guess always counts; a refused registration ends the activation."""
    activation = _required(token, Stage.CODE)
    if lockout_is_active(user=activation.user, at=timezone.now()):
        _end(activation)
        raise ValidationError(ACTIVATION_OVER)
    redeemed = activation_code_redeem(
        user=activation.user,
        purpose=ActivationCode.Purpose.IB_KEY,
        code=code,
        code_id=activation.code_id,
    )
    if redeemed is None:
        raise ValidationError(WRONG_CODE)
    try:
        with transaction.atomic():
            locked = _open(token, lock=True)
            if locked is None:
                raise ValidationError(ACTIVATION_OVER)
            locked.used_at = timezone.now()
            locked.save(update_fields=["used_at"])
            return ib_key_register(
                user=activation.user,
                installation_id=installation_id,
                public_key_pem=public_key_pem,
                client=client,
            )
    except ValidationError:
        _end(activation)
        raise


def ib_key_activation_cancel(*, token: str) -> None:
    """The app's "Start again": the pending activation ends."""
    activation = _open(token)
    if activation is not None:
        _end(activation)


def _ask(activation: IbKeyActivation, device: SecurityDevice) -> None:
    step_challenge(action=ACTION, device=device, attempt=activation.attempt, reuse_open=True)
    activation.asked_device = device
    activation.save(update_fields=["asked_device"])


def _ask_again(activation: IbKeyActivation, device: SecurityDevice) -> None:
    """After a refused answer, a new challenge on the same device, if it may still answer."""
    try:
        with transaction.atomic():
            _ask(activation, device)
    except ValidationError:
        return


def _open(token: str, *, lock: bool = False) -> IbKeyActivation | None:
    if not isinstance(token, str) or not token:
        return None
    rows = IbKeyActivation.objects.select_related("user", "asked_device__authenticator")
    if lock:
        rows = rows.select_for_update(of=("self",))
    return rows.filter(
        token_digest=_digest(token), used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


def _required(token: str, stage: str) -> IbKeyActivation:
    activation = _open(token)
    if activation is None or activation.stage != stage:
        raise ValidationError(ACTIVATION_OVER if activation is None else OTHER_STEP)
    return activation


def _end(activation: IbKeyActivation) -> None:
    IbKeyActivation.objects.filter(pk=activation.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
