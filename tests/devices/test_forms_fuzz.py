"""Property-based tests of the device forms (issue 8): the second-factor step, enrolment,
sharing, the DSC+ order wizard, the support desk's passcode form and the card simulators.
Whatever is posted, no server error, and without the right answer nothing succeeds."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import SecurityTeamRequest, User
from accounts.services.addresses import Address
from devices.models import DeviceShare, SecurityDevice, TemporaryDevice
from tests.devices.sharing.helpers import logged_in, owner_step, same_person_users
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.form_fuzz import ANY_FIELD, bodies, own_throttles, post_fuzzed
from tests.identification_helpers import answers_on_file
from tests.login_helpers import device_page, is_logged_in, post_login
from tests.orders.helpers import NEW_PIN, US_ADDRESS, rich_client_user, stock_card

pytestmark = pytest.mark.django_db


def after_password(user: User) -> Client:
    client = Client()
    post_login(client, user.username, DEFAULT_PASSWORD)
    return client


@given(data=st.data())
@own_throttles
def test_L2_second_factor_form_never_fails_and_lets_no_one_in(db, data):
    # A new user each example: ten wrong answers would lock one user out (L3).
    client = after_password(UserFactory())
    page = device_page(client)
    kept = {"device": page.context["device"].pk, "challenge": page.context["challenge"].pk}

    post_fuzzed(
        client,
        reverse("devices:login_device"),
        data.draw(bodies(fuzzed=("response", "push"), kept=kept)),
    )

    assert not is_logged_in(client)


@given(data=st.data())
@own_throttles
def test_E1_enrolment_forms_never_fail_and_enrol_nothing_unproven(db, data):
    applicant = UserFactory(device=False)
    client = after_password(applicant)
    start = {"country": "GB", "national_number": "7400123456"}

    post_fuzzed(client, reverse("enrolment:start"), data.draw(bodies(fuzzed=(), kept=start)))
    post_fuzzed(client, reverse("enrolment:confirm"), data.draw(bodies(fuzzed=("code",))))

    assert not SecurityDevice.objects.filter(user=applicant).exists()


@given(data=st.data())
@own_throttles
def test_H1_sharing_forms_never_fail_and_share_nothing_unproven(db, data):
    requester, owner = same_person_users("scc", "dsc_plus")
    client = logged_in(requester)

    post_fuzzed(
        client,
        reverse("sharing:owner"),
        data.draw(bodies(fuzzed=("password",), kept={"username": owner.username})),
    )
    owner_step(client, owner.username)
    post_fuzzed(client, reverse("sharing:device"), data.draw(bodies(fuzzed=("response",))))

    assert not DeviceShare.objects.exists()


@given(data=st.data())
@own_throttles
def test_T5_order_wizard_forms_never_fail(db, data):
    stock_card()
    user = rich_client_user()
    client = logged_in(user)
    address = {
        "address_line": "1 Main Street",
        "city": "Springfield",
        "postal_code": "62701",
        "country": "US",
    }
    pin = {"pin": NEW_PIN, "pin_again": NEW_PIN, "hold_account": user.account_id}

    post_fuzzed(client, reverse("dsc_plus:address"), data.draw(bodies(fuzzed=(), kept=address)))
    # Any address at all, and always a valid new one too: this user holds a permanent card,
    # so the change waits for the card's answer, which no body posts (G4). The address of
    # record stays, nothing goes to the Security Team, and the page asks for the answer.
    new_address = {
        "address_line": "2 Side Road",
        "city": "Shelbyville",
        "postal_code": "62702",
        "country": "US",
    }
    for change in (data.draw(bodies(fuzzed=(), kept=new_address)), new_address):
        page = post_fuzzed(client, reverse("dsc_plus:address_change"), change)
        user.client.refresh_from_db()
        assert Address.of(user.client) == US_ADDRESS
        assert not SecurityTeamRequest.objects.filter(user=user).exists()
        if page.status_code == 200 and not page.context["form"].errors:
            assert page.context["fresh_factor"]["failed"]
    post_fuzzed(client, reverse("dsc_plus:pin"), data.draw(bodies(fuzzed=("pin_again",), kept=pin)))
    post_fuzzed(client, reverse("dsc_plus:activate"), data.draw(bodies(fuzzed=("response",))))
    post_fuzzed(client, reverse("dsc_plus:pin_change"), data.draw(bodies(fuzzed=("response",))))


@given(data=st.data())
@own_throttles
def test_T1_passcode_form_never_fails_and_issues_nothing_without_a_reason(support_agent, data):
    agent = logged_in(support_agent)
    caller = UserFactory()
    kept = {**answers_on_file(caller.client), "confirm": "on"}
    url = reverse("admin:accounts_user_temporary_passcode", args=[caller.pk])

    post_fuzzed(agent, url, data.draw(bodies(fuzzed=("reason",), kept=kept)))


@given(data=st.data())
@own_throttles
def test_T1_G1_identification_answers_never_fail_and_issue_nothing_unmatched(support_agent, data):
    """Whatever is typed for the date of birth and the document, no server error; a
    passcode only when both are the caller's own."""
    agent = logged_in(support_agent)
    caller = UserFactory()
    url = reverse("admin:accounts_user_temporary_passcode", args=[caller.pk])
    token = agent.get(url).context["token"]
    kept = {"reason": "lost", "confirm": "on", "token": token}

    post_fuzzed(
        agent,
        url,
        data.draw(bodies(fuzzed=("date_of_birth", "id_document", "citizenship"), kept=kept)),
    )

    assert not TemporaryDevice.objects.filter(user_devices__user=caller).exists()


@pytest.mark.parametrize(
    ("url_name", "fields"),
    [
        ("simulators:keypad", ("serial", "pin", "challenge")),
        ("simulators:token", ("serial",)),
        ("phone:phones", ("platform", "os_version", "rooted", "biometrics")),
        ("phone:activate", ("username", "password", "country", "national_number")),
    ],
)
@given(data=st.data())
@own_throttles
def test_D1_simulator_forms_never_fail(db, url_name, fields, data):
    post_fuzzed(Client(), reverse(url_name), data.draw(bodies(fuzzed=fields)))


@given(data=st.data())
@own_throttles
def test_T4_reactivation_form_never_fails_and_reactivates_nothing_unproven(db, data):
    client = logged_in(UserFactory())
    fields = ("device", "challenge", "response")

    post_fuzzed(client, reverse("devices:device_reactivate"), data.draw(bodies(fuzzed=fields)))


# Unicode digits pass str.isdigit() yet int() refuses them.
NOT_ASCII_DIGITS = ["\u00b2", "\u0661\u0662", "\U0001d7d9"]


@pytest.mark.parametrize("raw", NOT_ASCII_DIGITS)
def test_T4_device_id_in_unicode_digits_is_no_server_error(db, raw):
    client = logged_in(UserFactory())
    url = reverse("devices:device_reactivate")

    assert client.get(url, {"device": raw}).status_code < 500
    assert post_fuzzed(client, url, {"device": raw, "response": "123456"}).status_code < 500


@pytest.mark.parametrize("raw", NOT_ASCII_DIGITS)
def test_K2_push_id_in_unicode_digits_is_no_server_error(db, raw):
    client = after_password(UserFactory())

    status = client.get(reverse("devices:login_push_status"), {"push": raw})
    post_fuzzed(client, reverse("devices:login_device"), {"push": raw})

    assert status.json() == {"status": "denied"}
    assert not is_logged_in(client)


@given(data=st.data())
@own_throttles
def test_K1_phone_app_forms_never_fail(db, data):
    phone = Client()
    app = phone.post(reverse("phone:phones"), {"platform": "ios", "os_version": "17.0"})
    installation_id = app["Location"].rstrip("/").rsplit("/", 1)[-1]
    for name, fields in (
        ("phone:activation_start", ("username", "password", "country", "national_number")),
        ("phone:activation_finish", ("code", "biometrics")),
        ("phone:authenticate", ("account", "pin", "challenge")),
    ):
        url = reverse(name, args=[installation_id])
        post_fuzzed(phone, url, data.draw(bodies(fuzzed=fields)))
    push = reverse("phone:push", args=[installation_id, data.draw(st.integers(1, 2**62))])
    post_fuzzed(phone, push, data.draw(bodies(fuzzed=("number", "pin", "answer"))))
    inbox = data.draw(st.fixed_dictionaries({}, optional={"number": ANY_FIELD}))
    assert phone.get(reverse("phone:inbox"), inbox).status_code < 500
