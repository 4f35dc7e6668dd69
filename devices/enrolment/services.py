"""Enrolment of a new applicant (E1): a confirmed mobile number becomes an SMS device, the
temporary device until IB Key is active (K7). An applicant holds no permanent device, so
the number must be one on record (G2, `Action.ADD_PHONE`): the password alone adds no
phone of the thief's choosing."""

from __future__ import annotations

import math

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.models import User
from accounts.services.lockout import lockout_is_active
from accounts.services.login import login_step_failed
from devices import conf
from devices.assurance import Action
from devices.flows.device_step import step_devices
from devices.models import ActivationCode, SecurityDevice
from devices.selectors import is_new_applicant
from devices.services.activation import activation_code_redeem, activation_code_send
from devices.services.inventory import sms_device_add
from devices.services.on_record import number_on_record_require

ENROLMENT = ActivationCode.Purpose.ENROLMENT


def enrolment_code_send(*, user: User, phone_number: str, client: ClientInfo) -> ActivationCode:
    """Text a confirmation code to `phone_number`, a number on record unless a permanent
    device could answer (G2; refused and audited otherwise), at most once per
    RESEND_INTERVAL per user: every message costs money and lands on someone's phone, so
    neither a script nor an impatient finger may send a stream of them."""
    if not step_devices(user, Action.ADD_PHONE):
        number_on_record_require(
            user=user, phone_number=phone_number, action=Action.ADD_PHONE, client=client
        )
    wait = _send_slot_take(user)
    if wait:
        raise ValidationError(
            f"A code was sent moments ago. You can ask for a new one in {wait} seconds."
        )
    return activation_code_send(user=user, purpose=ENROLMENT, phone_number=phone_number)


def enrolment_complete(*, user: User, code: str, client: ClientInfo) -> SecurityDevice | None:
    """The new SMS device when `code` confirms the number it was sent to; otherwise None,
    and the refusal counts as a failed login attempt (L3), since guessing the code is
    guessing a second factor."""
    with transaction.atomic():
        # The user's row lock orders this against other logins of the same user, so a lock
        # set meanwhile holds and two confirmations cannot both create a device.
        user = User.objects.select_for_update().get(pk=user.pk)
        device = None
        if not lockout_is_active(user=user, at=timezone.now()) and is_new_applicant(user):
            activation = activation_code_redeem(user=user, purpose=ENROLMENT, code=code)
            if activation is not None:
                device = sms_device_add(
                    user=user, phone_number=activation.phone_number, client=client
                )
    if device is None:
        login_step_failed(user=user, client=client, step="enrolment", reason="wrong_code")
    return device


def _send_slot_take(user: User) -> int:
    """0 when a code may go now (the next RESEND_INTERVAL is then taken), else the seconds
    to wait. The cache is shared by every server process; the time stored is compared with
    our own clock, so the rule does not hang on the cache's own expiry."""
    key = f"sls:enrolment:code-sent:{user.pk}"
    interval = conf.RESEND_INTERVAL.total_seconds()
    now = timezone.now().timestamp()
    if cache.add(key, now + interval, timeout=math.ceil(interval)):
        return 0
    until: float | None = cache.get(key)
    if until is None or until <= now:
        cache.set(key, now + interval, timeout=math.ceil(interval))
        return 0
    return math.ceil(until - now)
