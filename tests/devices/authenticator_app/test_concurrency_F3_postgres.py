"""F3 and D2 under real concurrency: the app's right first code posted by several
connections at the same instant adds exactly one app."""

from __future__ import annotations

import base64

import pyotp
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.client_info import SYSTEM
from devices.assurance import Action
from devices.authenticator_app.services import (
    ENROLMENT_OVER,
    authenticator_app_enrolment_confirm,
    authenticator_app_enrolment_start,
)
from devices.crypto import secret_decrypt
from devices.flows.device_step import step_devices
from devices.models import Authenticator, SecurityDevice
from devices.services.fresh_factor import FreshFactor
from tests.concurrency import run_at_once
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 8


def test_F3_D2_simultaneous_first_codes_add_one_app():
    user = UserFactory()
    proof = FreshFactor(
        user_id=user.pk,
        device_id=step_devices(user, Action.ADD_AUTHENTICATOR_APP)[0].pk,
        action=Action.ADD_AUTHENTICATOR_APP,
        verified_at=timezone.now(),
    )
    enrolment = authenticator_app_enrolment_start(user=user, name="Phone", fresh_factor=proof)
    code = pyotp.TOTP(base64.b32encode(secret_decrypt(enrolment.secret)).decode()).now()

    def confirm() -> str:
        try:
            authenticator_app_enrolment_confirm(
                user=user, enrolment_id=enrolment.pk, code=code, client=SYSTEM
            )
        except ValidationError as refused:
            return refused.message
        return "added"

    outcomes = run_at_once(confirm, RACERS)

    assert outcomes.count("added") == 1
    assert outcomes.count(ENROLMENT_OVER) == RACERS - 1
    assert Authenticator.objects.filter(kind="authenticator_app").count() == 1
    assert SecurityDevice.objects.filter(user=user, name="Phone").count() == 1
