"""Security e-mails (ASVS 6.3.5): a right password then a wrong second factor, a lockout, a
new or shared device, a temporary passcode, an opt-out. Each goes after the commit to the
user's address (else the client's), carries no secret, and a user with no address at all
is skipped quietly."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accounts.client_info import SYSTEM, ClientInfo
from accounts.conf import LOCKOUT_THRESHOLD
from accounts.models import User
from accounts.services.notifications import SecurityEmail, security_email_send
from devices.assurance import Action
from devices.models import DeviceShare
from devices.services.fresh_factor import FreshFactor
from devices.services.inventory import sms_device_add
from devices.sharing.services import share_approve
from portal.services.sls import sls_opt_out
from tests.devices.ib_key.app import install_app
from tests.devices.sharing.helpers import (
    compliance_officer,
    give_passcode,
    logged_in,
    matching_records_users,
    share_through_pages,
)
from tests.factories import ClientFactory, UserFactory, give_device
from tests.login_helpers import answer_device, post_login

pytestmark = pytest.mark.django_db

ADDRESS = "client@example.com"


@pytest.fixture
def mailed(django_capture_on_commit_callbacks):
    """Run what the block commits, as a real commit would, and hand over the mail sent."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        return result

    return run


def subjects() -> list[str]:
    return [message.subject for message in mail.outbox]


def subject_of(event: SecurityEmail) -> str:
    return f"SLS Portal: {event.value[0]}"


def test_notify_right_password_then_wrong_second_factor(client, mailed, password):
    user = UserFactory(email=ADDRESS)
    post_login(client, user.username, password, REMOTE_ADDR="203.0.113.7")

    mailed(lambda: answer_device(client, response="00000000", REMOTE_ADDR="203.0.113.7"))

    assert subjects() == [subject_of(SecurityEmail.SECOND_FACTOR_FAILED)]
    message = mail.outbox[0]
    assert message.to == [ADDRESS]
    assert user.username in message.body and "203.0.113.7" in message.body
    assert "00000000" not in message.body


def test_notify_no_mail_for_a_wrong_password_alone(client, mailed):
    user = UserFactory(email=ADDRESS)

    mailed(lambda: post_login(client, user.username, "wrong-password"))

    assert mail.outbox == []


def test_notify_lockout_goes_to_the_clients_address_without_a_users_own(client, mailed):
    user = UserFactory(email="", client=ClientFactory(email="holder@example.com"))

    for _ in range(LOCKOUT_THRESHOLD):
        mailed(lambda: post_login(client, user.username, "wrong-password"))

    assert subjects() == [subject_of(SecurityEmail.LOCKED_OUT)]
    assert mail.outbox[0].to == ["holder@example.com"]


def test_notify_new_card_assigned(mailed):
    user = UserFactory(email=ADDRESS, device=False)

    device = mailed(lambda: give_device(user, "dsc_plus"))

    assert subjects() == [subject_of(SecurityEmail.DEVICE_ADDED)]
    assert device.authenticator.serial in mail.outbox[0].body


def test_notify_ib_key_registered(mailed):
    user = UserFactory(email=ADDRESS, device=False)

    mailed(lambda: install_app(user))

    assert subjects() == [subject_of(SecurityEmail.DEVICE_ADDED)]
    assert "IB Key (IBKR Mobile)" in mail.outbox[0].body


def test_notify_enrolment_sms_device(mailed):
    user = UserFactory(email=ADDRESS, device=False)

    device = mailed(lambda: sms_device_add(user=user, phone_number="+447400123456", client=SYSTEM))

    assert subjects() == [subject_of(SecurityEmail.DEVICE_ADDED)]
    assert f"SMS {device.authenticator.serial}" in mail.outbox[0].body


def test_notify_share_approved_tells_requester_and_owner(mailed):
    person = ClientFactory(email=ADDRESS)
    requester = UserFactory(client=person, device="scc")
    owner = UserFactory(client=person, device="dsc_plus")
    browser = logged_in(requester)

    mailed(lambda: share_through_pages(browser, owner))

    assert sorted(subjects()) == sorted(
        [subject_of(SecurityEmail.DEVICE_ADDED), subject_of(SecurityEmail.DEVICE_SHARED)]
    )
    shared = next(m for m in mail.outbox if m.subject == subject_of(SecurityEmail.DEVICE_SHARED))
    assert requester.username in shared.body


def test_notify_temporary_passcode_without_the_passcode(mailed, support_agent):
    user = UserFactory(email=ADDRESS)

    code = mailed(lambda: give_passcode(user, support_agent))

    assert subjects() == [subject_of(SecurityEmail.PASSCODE_ISSUED)]
    assert code not in mail.outbox[0].body


def test_notify_opt_out(mailed):
    user = UserFactory(email=ADDRESS)
    device = user.securitydevice_set.first()
    proof = FreshFactor(
        action=Action.OPT_OUT, user_id=user.pk, device_id=device.pk, verified_at=timezone.now()
    )
    client = ClientInfo(ip_address="198.51.100.4", user_agent="test")

    mailed(lambda: sls_opt_out(user=user, fresh_factor=proof, client=client))

    assert subjects() == [subject_of(SecurityEmail.OPTED_OUT)]
    assert "198.51.100.4" in mail.outbox[0].body


def test_notify_skips_a_user_without_any_address_quietly(mailed):
    user = UserFactory(email="", client=ClientFactory(email=""), device=False)

    mailed(lambda: give_device(user))
    sent = mailed(
        lambda: security_email_send(user=user, event=SecurityEmail.LOCKED_OUT, client=SYSTEM)
    )

    assert sent is False
    assert mail.outbox == []


def test_notify_nothing_when_the_change_rolls_back(mailed):
    user = UserFactory(email=ADDRESS, device=False)

    def assign_then_fail():
        with pytest.raises(RuntimeError), transaction.atomic():
            give_device(user)
            raise RuntimeError("rolled back")

    mailed(assign_then_fail)

    assert mail.outbox == []


def test_notify_share_approved_by_compliance(mailed):
    requester, owner = matching_records_users("scc", "dsc_plus")
    User.objects.filter(pk__in=[requester.pk, owner.pk]).update(email=ADDRESS)
    share_through_pages(logged_in(requester), owner)
    share = DeviceShare.objects.get(status=DeviceShare.Status.PENDING)
    assert mail.outbox == []

    mailed(
        lambda: share_approve(
            share=share, actor=compliance_officer(), reason="One person", client=SYSTEM
        )
    )

    assert sorted(subjects()) == sorted(
        [subject_of(SecurityEmail.DEVICE_ADDED), subject_of(SecurityEmail.DEVICE_SHARED)]
    )
