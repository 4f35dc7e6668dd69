"""A second share request at the same instant (H2 bad input): several connections ask to
share for one requester at once; the row lock and the one-open-share constraint let
exactly one through, and the requester's devices are set aside once."""

from __future__ import annotations

import pytest

from accounts.client_info import SYSTEM
from devices.models import DeviceShare, SecurityDevice
from devices.sharing.rules import ShareRefused
from devices.sharing.services import share_request
from tests.concurrency import run_at_once
from tests.devices.sharing.helpers import same_person_users

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 6


def test_H2_simultaneous_share_requests_open_one_share():
    requester, owner = same_person_users("scc", "dsc_plus")
    card = owner.securitydevice_set.get().authenticator

    def request_share() -> bool:
        try:
            share_request(requester=requester, owner=owner, authenticator=card, client=SYSTEM)
        except ShareRefused:
            return False
        return True

    outcomes = run_at_once(request_share, RACERS)

    assert outcomes.count(True) == 1
    assert DeviceShare.objects.filter(status=DeviceShare.Status.APPROVED).count() == 1
    assert SecurityDevice.objects.filter(user=requester, authenticator=card).count() == 1
