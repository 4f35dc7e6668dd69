"""A security key answers the second factor in Client Portal wherever one is asked (F1, F4):
the login (and the M2FS choice, L4), a settings change's fresh factor, a withdrawal
beyond the card rows (W1, F2) and the reactivation of a key found again (T4), through the
one gate. The page hands the browser the
challenge's WebAuthn options and posts the assertion back; a key answering for another
origin or relying party, without user verification, again, from a copy, or after it was
reported lost is refused, and junk is "Login failed" and counted, never a server error."""

from __future__ import annotations

import json

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType, LoginFailure, User
from devices.assurance import Action
from devices.flows.device_step import NOT_ANSWERED, Answer, Refusal, step_answer
from devices.kinds.security_key import POSSIBLY_CLONED
from devices.models import Authenticator
from devices.security_keys.software import SoftwareAuthenticator
from devices.services.challenges import challenge_issue
from devices.temporary.services import device_report
from tests.devices.security_keys.helpers import (
    assertion,
    key_device,
    page_assertion,
    page_options,
    security_key_give,
)
from tests.devices.temporary.helpers import login_with, passcode_give
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.login_helpers import device_page, is_logged_in, post_login
from tests.withdrawals.helpers import DESTINATION
from withdrawals.idempotency import idempotency_key_new
from withdrawals.models import Withdrawal

pytestmark = pytest.mark.django_db

DEVICE_URL = reverse("devices:login_device")
KEY_LABEL = "Security key or passkey"


@pytest.fixture
def key_holder() -> tuple[User, SoftwareAuthenticator]:
    """A client whose one device is a security key."""
    user = UserFactory(device=False)
    return user, security_key_give(user, name="Blue key")


def answer_page(client: Client, page, key: SoftwareAuthenticator, **where: str):
    """Post the key's assertion to the device step `page` shows."""
    return client.post(
        DEVICE_URL,
        {
            "device": page.context["device"].pk,
            "challenge": page.context["challenge"].pk,
            "response": page_assertion(page, key, **where),
        },
    )


def post_answer(client: Client, page, response: str):
    return client.post(
        DEVICE_URL,
        {
            "device": page.context["device"].pk,
            "challenge": page.context["challenge"].pk,
            "response": response,
        },
    )


def key_login(client: Client, user: User, key: SoftwareAuthenticator):
    page = post_login(client, user.username, DEFAULT_PASSWORD)
    return answer_page(client, page, key)


def assert_login_failed(client: Client, response, user: User, failures: int = 1) -> None:
    assert response.status_code == 200
    assert b"Login failed" in response.content
    assert LoginFailure.objects.filter(user=user).count() == failures
    assert not is_logged_in(client)


def test_F1_the_device_step_hands_the_browser_the_options_and_a_button(client, key_holder):
    user, _ = key_holder

    page = post_login(client, user.username, DEFAULT_PASSWORD)

    html = page.content.decode()
    challenge, device = page.context["challenge"], page.context["device"]
    assert device == key_device(user)
    assert '<input type="hidden" name="response" id="id_response" value="">' in html
    assert '<button type="button" id="webauthn-answer"' in html
    assert ">Use security key</button>" in html
    assert '<div id="webauthn-unavailable" class="notice" role="alert" hidden>' in html
    assert "Plug in or unlock your security key" in html
    assert "call Client Services" in html
    assert f"{reverse('help:portal_login')}#security-key" in html
    assert '<script src="/static/js/webauthn-answer.js" defer></script>' in html
    # Nothing to type, and no random challenge to read.
    assert 'type="text" name="response"' not in html
    assert 'data-testid="challenge-value"' not in html
    options = page_options(page)
    assert options == challenge.client_options
    assert options["challenge"] == challenge.value
    # With the simulators installed, the security key simulator's answer may be pasted.
    assert '<textarea id="webauthn-paste"' in html
    assert f'href="{reverse("simulators:security_key")}"' in html
    assert options["rpId"] == "localhost"
    assert options["userVerification"] == "required"
    assert [c["id"] for c in options["allowCredentials"]] == [device.authenticator.credential_id]


def test_F1_typed_devices_keep_their_field_exactly(client, password):
    user = UserFactory()

    page = post_login(client, user.username, password)

    html = page.content.decode()
    field = render_to_string("accounts/_field.html", {"field": page.context["form"]["response"]})
    assert field in html
    assert 'type="text" name="response"' in html
    assert "webauthn" not in html


def test_F1_L4_portal_login_with_a_security_key(client, key_holder):
    user, key = key_holder

    response = key_login(client, user, key)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    assert is_logged_in(client)
    authenticator = key_device(user).authenticator
    assert authenticator.counter == key.sign_count == 1
    assert authenticator.last_used_at is not None
    assert LoginFailure.objects.filter(user=user).count() == 0


def test_L4_F2_a_key_is_preselected_over_a_weaker_card_and_named_as_its_holder_chose(client):
    user = UserFactory(device="scc")
    security_key_give(user, name="Blue key")
    serial = user.securitydevice_set.get(authenticator__kind="scc").authenticator.serial

    page = post_login(client, user.username, DEFAULT_PASSWORD)

    html = page.content.decode()
    key = key_device(user)
    assert page.context["device"] == key
    assert f'<option value="{key.pk}" selected>{KEY_LABEL}: Blue key' in html
    assert f"Security Code Card ({serial})" in html
    assert 'id="webauthn-answer"' in html


def test_L4_F2_a_dsc_plus_and_a_key_are_both_offered_and_either_answers(client):
    user = UserFactory()
    key = security_key_give(user, name="Desk key")
    card = user.securitydevice_set.get(authenticator__kind="dsc_plus")

    page = post_login(client, user.username, DEFAULT_PASSWORD)

    html = page.content.decode()
    # Equal levels are equally secure (§1): the first registered is preselected.
    assert page.context["device"] == card
    assert f'<option value="{card.pk}" selected>Digital Security Card+' in html
    assert f'<option value="{key_device(user).pk}">{KEY_LABEL}: Desk key' in html
    assert 'id="webauthn-answer"' not in html
    chosen = device_page(client, key_device(user))
    assert answer_page(client, chosen, key).status_code == 302
    assert is_logged_in(client)


def test_F1_G2_a_settings_change_takes_the_keys_fresh_answer(key_holder):
    user, key = key_holder
    client = Client()
    key_login(client, user, key)
    url = reverse("settings:email")

    page = client.get(url)

    fresh = page.context["fresh_factor"]
    assert fresh["device"] == key_device(user)
    assert page_options(page) == fresh["challenge"].client_options
    response = client.post(
        url,
        {
            "email": "new@example.com",
            "device": fresh["device"].pk,
            "challenge": fresh["challenge"].pk,
            "response": page_assertion(page, key),
        },
    )
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).email == "new@example.com"
    assert key_device(user).authenticator.counter == 2


def test_F1_G2_a_settings_change_refuses_a_wrong_origin(key_holder):
    user, key = key_holder
    client = Client()
    key_login(client, user, key)
    url = reverse("settings:email")
    page = client.get(url)
    fresh = page.context["fresh_factor"]

    client.post(
        url,
        {
            "email": "new@example.com",
            "device": fresh["device"].pk,
            "challenge": fresh["challenge"].pk,
            "response": page_assertion(page, key, at="https://phish.example"),
        },
    )

    assert User.objects.get(pk=user.pk).email != "new@example.com"
    assert LoginFailure.objects.filter(user=user).count() == 1


def test_W1_F2_a_withdrawal_above_the_card_rows_is_approved_by_the_key(key_holder):
    user, key = key_holder
    client = Client()
    key_login(client, user, key)
    review = client.post(
        reverse("withdrawals:withdraw"),
        {
            "account": user.account_id,
            "amount": "750000.00",
            "destination": DESTINATION,
            "device": key_device(user).pk,
            "idempotency_key": idempotency_key_new(),
        },
    )
    assert review.status_code == 302, review.content

    page = client.get(review["Location"])

    assert 'id="webauthn-answer"' in page.content.decode()
    response = client.post(
        review["Location"],
        {"challenge": page.context["challenge"].pk, "response": page_assertion(page, key)},
    )
    assert response.status_code == 302
    withdrawal = Withdrawal.objects.get(account=user.account)
    assert withdrawal.amount == 750000
    assert withdrawal.tier == "unlimited"


def test_F1_an_assertion_for_another_origin_is_refused(client, key_holder):
    user, key = key_holder
    page = post_login(client, user.username, DEFAULT_PASSWORD)

    response = answer_page(client, page, key, at="https://phish.example")

    assert_login_failed(client, response, user)


def test_F1_an_assertion_for_another_relying_party_is_refused(client, key_holder):
    user, key = key_holder
    page = post_login(client, user.username, DEFAULT_PASSWORD)

    response = answer_page(client, page, key, rp_id="phish.example")

    assert_login_failed(client, response, user)


def test_F1_an_assertion_without_user_verification_is_refused(client, key_holder):
    user, key = key_holder
    key.user_verified = False
    page = post_login(client, user.username, DEFAULT_PASSWORD)

    response = answer_page(client, page, key)

    assert_login_failed(client, response, user)


def test_F1_a_wrong_key_is_refused(client, key_holder):
    user, _ = key_holder
    page = post_login(client, user.username, DEFAULT_PASSWORD)

    response = answer_page(client, page, SoftwareAuthenticator())

    assert_login_failed(client, response, user)


def test_F1_D2_a_replayed_assertion_is_refused(client, key_holder):
    user, key = key_holder
    page = post_login(client, user.username, DEFAULT_PASSWORD)
    assertion = page_assertion(page, key)
    assert post_answer(client, page, assertion).status_code == 302
    client.post(reverse("accounts:logout"))

    post_login(client, user.username, DEFAULT_PASSWORD)
    to_its_own_challenge = post_answer(client, page, assertion)
    # That page shows the login's challenge now open: the assertion signed another.
    to_the_new_challenge = post_answer(client, to_its_own_challenge, assertion)

    assert b"no longer open" in to_its_own_challenge.content
    assert_login_failed(client, to_the_new_challenge, user, failures=1)
    assert key_device(user).authenticator.clone_suspected_at is None


def test_F1_a_cloned_key_is_refused_flagged_and_answers_nothing_after(client, key_holder):
    user, key = key_holder
    assert key_login(client, user, key).status_code == 302
    client.post(reverse("accounts:logout"))
    clone = SoftwareAuthenticator(
        credential_id=key.credential_id, private_key=key.private_key, sign_count=0
    )

    page = post_login(client, user.username, DEFAULT_PASSWORD)
    by_the_clone = answer_page(client, page, clone)

    assert_login_failed(client, by_the_clone, user)
    authenticator = Authenticator.objects.get(pk=key_device(user).authenticator_id)
    assert authenticator.clone_suspected_at is not None
    assert authenticator.counter == 1
    flagged = AuditEvent.objects.get(event_type=AuditEventType.DEVICE_CLONE_SUSPECTED, subject=user)
    assert flagged.detail["stored_sign_count"] == 1
    assert flagged.detail["sign_count"] == 1

    # The flagged key is offered no more: its holder, with no other device, is sent to
    # Client Services, and even the original key's answer is refused unchecked.
    again = post_login(client, user.username, DEFAULT_PASSWORD)
    assert again.status_code == 403
    assert b"No active security device" in again.content
    device = key_device(user)
    challenge = challenge_issue(device=device, attempt="after-flag", purpose=Action.LOGIN_PORTAL)
    by_the_original = step_answer(
        user=user,
        action=Action.LOGIN_PORTAL,
        answer=Answer(
            device_id=device.pk,
            challenge_id=challenge.pk,
            response=assertion(key, challenge.client_options),
        ),
        attempt="after-flag",
        client=SYSTEM,
    )
    assert by_the_original.refusal == Refusal.NOT_ALLOWED
    assert by_the_original.message == POSSIBLY_CLONED
    assert AuditEvent.objects.filter(event_type=AuditEventType.ACCESS_REFUSED, subject=user)
    assert not is_logged_in(client)
    assert Authenticator.objects.get(pk=authenticator.pk).counter == 1


def test_F1_a_key_that_keeps_no_counter_is_not_taken_for_a_clone(client):
    user = UserFactory(device=False)
    key = security_key_give(user, key=SoftwareAuthenticator(counter_step=0))

    assert key_login(client, user, key).status_code == 302
    client.post(reverse("accounts:logout"))
    assert key_login(client, user, key).status_code == 302

    assert key_device(user).authenticator.clone_suspected_at is None


def test_F4_G3_a_key_reported_lost_answers_nothing(client, key_holder, support_agent):
    user, key = key_holder
    page = post_login(client, user.username, DEFAULT_PASSWORD)
    authenticator = key_device(user).authenticator

    device_report(
        authenticator=authenticator,
        state=Authenticator.State.LOST,
        agent=support_agent,
        client=SYSTEM,
    )
    response = answer_page(client, page, key)

    # G3: the report ended the pending login; the answer reached nothing.
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert not is_logged_in(client)
    assert Authenticator.objects.get(pk=authenticator.pk).counter == 0
    again = post_login(client, user.username, DEFAULT_PASSWORD)
    assert again.status_code == 403
    assert "device" not in again.context


def _junk() -> list[str]:
    real_shape = {
        "id": "x",
        "rawId": "x",
        "type": "public-key",
        "response": {"clientDataJSON": "", "authenticatorData": "", "signature": ""},
    }
    return [
        "hello",
        "[1, 2]",
        "[]",
        "{}",
        "null",
        '{"id": "\\u0000"}',
        json.dumps(real_shape),
        json.dumps({**real_shape, "response": []}),
        json.dumps({**real_shape, "rawId": "!!!not base64!!!"}),
        "{" + "é" * 4000 + "}",
        "{" + "x" * 9000 + "}",
    ]


@pytest.mark.parametrize("junk", _junk(), ids=range(len(_junk())))
def test_F1_L5_junk_answers_are_login_failed_and_counted(client, key_holder, junk):
    user, _ = key_holder
    page = post_login(client, user.username, DEFAULT_PASSWORD)

    response = post_answer(client, page, junk)

    assert_login_failed(client, response, user)


def test_F1_a_form_sent_before_the_key_answered_counts_nothing(client, key_holder):
    """Continue pressed before the page's script asked the key (scripts off, or a press
    before it loaded) posts no answer: the page says to use the key, nothing is counted,
    and the key answers the challenge shown next."""
    user, key = key_holder
    page = post_login(client, user.username, DEFAULT_PASSWORD)

    unanswered = post_answer(client, page, "")

    assert unanswered.status_code == 200
    assert NOT_ANSWERED in unanswered.content.decode()
    assert LoginFailure.objects.filter(user=user).count() == 0
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.SECOND_FACTOR_NOT_CHECKED, subject=user
    ).exists()
    assert answer_page(client, unanswered, key).status_code == 302
    assert is_logged_in(client)


def test_F1_a_nul_in_the_answer_is_refused_before_anything_reads_it(client, key_holder):
    user, key = key_holder
    page = post_login(client, user.username, DEFAULT_PASSWORD)

    response = post_answer(client, page, page_assertion(page, key)[:-1] + "\x00}")

    assert response.status_code == 400
    assert LoginFailure.objects.filter(user=user).count() == 0
    assert not is_logged_in(client)


def test_F1_a_session_of_another_users_key_cannot_answer(key_holder):
    user, key = key_holder
    other = UserFactory(device=False)
    other_key = security_key_give(other)
    mine, theirs = Client(), Client()
    my_page = post_login(mine, user.username, DEFAULT_PASSWORD)
    their_page = post_login(theirs, other.username, DEFAULT_PASSWORD)

    response = post_answer(mine, my_page, page_assertion(their_page, other_key))

    assert_login_failed(mine, response, user)


def test_F4_T4_a_key_found_again_is_reactivated_by_its_answer(client, key_holder, support_agent):
    user, key = key_holder
    authenticator = key_device(user).authenticator
    device_report(
        authenticator=authenticator,
        state=Authenticator.State.LOST,
        agent=support_agent,
        client=SYSTEM,
    )
    code = passcode_give(user, support_agent, reason="lost")
    login_with(client, user, DEFAULT_PASSWORD, "temporary_passcode", code)
    url = reverse("devices:device_reactivate")

    page = client.get(url, {"device": key_device(user).pk})

    assert 'id="webauthn-answer"' in page.content.decode()
    response = client.post(
        url,
        {
            "device": page.context["device"].pk,
            "challenge": page.context["challenge"].pk,
            "response": page_assertion(page, key),
        },
    )
    assert response["Location"] == reverse("accounts:secure_login")
    assert Authenticator.objects.get(pk=authenticator.pk).state == Authenticator.State.ACTIVE
