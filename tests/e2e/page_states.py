"""Pages of the portal with the state each needs, for checks that visit every page: each
entry makes its state with the services and factories and returns a test client (logged in
when the page needs it, its cookies, session and messages, to be handed to the browser) and
the path.

The login is done by the test client: the pages are what is checked, the login flows have
their own browser tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.client_info import SYSTEM
from accounts.models import User
from accounts.roles import SUPPORT_GROUP, support_group_sync
from devices.models import DeviceShare
from devices.security_keys.software import SoftwareAuthenticator
from devices.temporary.services import device_report, online_card_issue
from tests.accounts.sls_helpers import fresh_factor_fields
from tests.devices.ib_key.app import install_app
from tests.devices.sharing.helpers import (
    answer_card,
    owner_step,
    same_person_users,
    share_through_pages,
)
from tests.devices.temporary.helpers import login_with, passcode_give
from tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory
from tests.login_helpers import full_login, post_login
from tests.orders.helpers import (
    NEW_PIN,
    US_ADDRESS,
    address_set,
    place,
    rich_client_user,
    stock_card,
)
from tests.withdrawals.helpers import review, withdraw


def signed_in(user: User) -> Client:
    client = Client()
    assert full_login(client, user.username, DEFAULT_PASSWORD).status_code == 302
    return client


def at(path: str) -> Callable[[], tuple[Client, str]]:
    return lambda: (Client(), path)


def portal(path_name: str) -> Callable[[], tuple[Client, str]]:
    return lambda: (signed_in(UserFactory()), reverse(path_name))


def support_agent() -> User:
    support_group_sync()
    agent = StaffFactory(username="agent")
    agent.groups.add(Group.objects.get(name=SUPPORT_GROUP))
    return agent


def device_step(kind: str) -> Callable[[], tuple[Client, str]]:
    def setup() -> tuple[Client, str]:
        user = UserFactory(device=False if kind == "ib_key" else kind)
        if kind == "ib_key":
            install_app(user)
        client = Client()
        post_login(client, user.username, DEFAULT_PASSWORD)
        return client, reverse("devices:login_device")

    return setup


def enrolment() -> tuple[Client, str]:
    client = Client()
    post_login(client, UserFactory(device=False).username, DEFAULT_PASSWORD)
    return client, reverse("enrolment:start")


def passcode_step() -> tuple[Client, str]:
    user = UserFactory()
    passcode_give(user, support_agent())
    client = Client()
    post_login(client, user.username, DEFAULT_PASSWORD)
    device = user.securitydevice_set.get(authenticator__kind="temporary_passcode")
    return client, f"{reverse('devices:login_device')}?device={device.pk}"


def online_card() -> tuple[Client, str]:
    user = UserFactory()
    code = passcode_give(user, support_agent())
    client = Client()
    assert login_with(client, user, DEFAULT_PASSWORD, "temporary_passcode", code).status_code == 302
    return client, reverse("devices:online_card")


def share_step(step: str) -> Callable[[], tuple[Client, str]]:
    def setup() -> tuple[Client, str]:
        requester, owner = same_person_users("scc", "dsc_plus")
        client = signed_in(requester)
        if step != "owner":
            owner_step(client, owner.username)
        if step == "review":
            answer_card(client)
        return client, reverse(f"sharing:{step}")

    return setup


def share_status() -> tuple[Client, str]:
    requester, owner = same_person_users("scc", "dsc_plus")
    client = signed_in(requester)
    share_through_pages(client, owner)
    assert DeviceShare.objects.exists()
    return client, reverse("sharing:status")


def order_page(step: str) -> Callable[[], tuple[Client, str]]:
    """The wizard walked by the client up to `step`; "activate" after an order was placed."""
    wizard = ("start", "address", "pin", "summary", "confirmation")

    def setup() -> tuple[Client, str]:
        stock_card()
        user = rich_client_user()
        client = signed_in(user)
        if step == "activate":
            place(user)
        if step in wizard[2:]:
            client.post(reverse("dsc_plus:address"))
        if step in wizard[3:]:
            pin = {"pin": NEW_PIN, "pin_again": NEW_PIN, "hold_account": user.account_id}
            client.post(reverse("dsc_plus:pin"), pin)
        if step == "confirmation":
            summary = client.get(reverse("dsc_plus:summary"))
            client.post(reverse("dsc_plus:summary"), fresh_factor_fields(summary))
        return client, reverse(f"dsc_plus:{step}")

    return setup


def address_change_queued() -> tuple[Client, str]:
    """Change Address for a client on the online card (G4): the Security Team route, with a
    change already waiting."""
    agent = support_agent()
    user = UserFactory(device="dsc_plus", account__equity=Decimal("5000"))
    address_set(user, US_ADDRESS)
    lost = user.securitydevice_set.get().authenticator
    device_report(authenticator=lost, state="lost", agent=agent, client=SYSTEM)
    code = passcode_give(user, agent, reason="lost")
    assert (
        login_with(Client(), user, DEFAULT_PASSWORD, "temporary_passcode", code).status_code == 302
    )
    online_card_issue(user=user, client=SYSTEM)
    client = Client()
    assert login_with(client, user, DEFAULT_PASSWORD, "online_card").status_code == 302
    paris = {"address_line": "5 Rue de Rivoli", "city": "Paris", "postal_code": "75001"}
    client.post(reverse("dsc_plus:address_change"), {**paris, "country": "FR"})
    return client, reverse("dsc_plus:address_change")


def security_key_step(step: str) -> Callable[[], tuple[Client, str]]:
    """Adding a security key (F1): the name and fresh answer, or the register page after
    them."""

    def setup() -> tuple[Client, str]:
        client = signed_in(UserFactory())
        add = reverse("security_keys:add")
        if step == "register":
            fields = {"name": "Keyring key", **fresh_factor_fields(client.get(add))}
            assert client.post(add, fields)["Location"] == reverse("security_keys:register")
        return client, reverse(f"security_keys:{step}")

    return setup


def security_keys_listed() -> tuple[Client, str]:
    """The Secure Login System page listing a registered key."""
    user = UserFactory()
    client = signed_in(user)
    add = reverse("security_keys:add")
    client.post(add, {"name": "Keyring key", **fresh_factor_fields(client.get(add))})
    options = client.get(reverse("security_keys:register")).context["creation_options"]
    answer = SoftwareAuthenticator().create(options, origin="http://localhost:8000")
    client.post(reverse("security_keys:register"), {"credential": json.dumps(answer)})
    assert user.securitydevice_set.filter(authenticator__kind="security_key").exists()
    return client, reverse("accounts:secure_login")


def withdrawal_page(step: str) -> Callable[[], tuple[Client, str]]:
    def setup() -> tuple[Client, str]:
        user = UserFactory()
        client = signed_in(user)
        if step == "approve":
            intent, _ = review(user, "100.00")
            return client, reverse("withdrawals:approve", args=[intent.token])
        if step == "detail":
            return client, reverse("withdrawals:detail", args=[withdraw(user, "100.00").pk])
        return client, reverse("withdrawals:withdraw")

    return setup


def opted_back_in() -> tuple[Client, str]:
    """KB2545 step 8: the confirmation after an opted-out client asks for the device again."""
    client = signed_in(UserFactory(account__sls_opted_out=True))
    response = client.post(reverse("settings:sls_configure"), {"choice": "required"})
    return client, response["Location"]


def phone_app() -> tuple[Client, str]:
    client = Client()
    response = client.post(reverse("phone:phones"), {"platform": "ios", "os_version": "17.0"})
    return client, response["Location"]


def authenticator_app_qr() -> tuple[Client, str]:
    """The QR code of an authenticator app being added (F3), after the name and the answer."""
    client = signed_in(UserFactory())
    start = reverse("authenticator_app:start")
    named = {"name": "My phone", **fresh_factor_fields(client.get(start))}
    assert client.post(start, named).status_code == 302
    return client, reverse("authenticator_app:confirm")


def phone_app_with_authenticator() -> tuple[Client, str]:
    """The phone's page with an account in its authenticator app, its code showing."""
    client, path = phone_app()
    key = {"key": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}
    assert client.post(f"{path}authenticator/", key).status_code == 302
    return client, path


def printed_card() -> tuple[Client, str]:
    user = UserFactory(device="scc")
    serial = user.securitydevice_set.get().authenticator.serial
    return Client(), reverse("simulators:printed_card", args=[serial])


def login_again() -> tuple[Client, str]:
    """The device step opened with no login under way: back to the login page, told why."""
    client = Client()
    assert client.get(reverse("devices:login_device"))["Location"] == reverse("accounts:login")
    return client, reverse("accounts:login")


def settings_unchanged() -> tuple[Client, str]:
    client = signed_in(UserFactory())
    response = client.post(reverse("settings:sls_configure"), {"choice": "required"})
    return client, response["Location"]


def share_expired() -> tuple[Client, str]:
    """The share's device step with no owner named: an error, back to the first step."""
    requester, _ = same_person_users("scc", "dsc_plus")
    client = signed_in(requester)
    return client, client.get(reverse("sharing:device"))["Location"]


def passcode_login() -> tuple[Client, str]:
    """A login with a temporary passcode: the dashboard, with a message linking to the
    online security card."""
    user = UserFactory()
    code = passcode_give(user, support_agent())
    client = Client()
    response = login_with(client, user, DEFAULT_PASSWORD, "temporary_passcode", code)
    return client, response["Location"]


def support_desk(path: str) -> Callable[[], tuple[Client, str]]:
    def setup() -> tuple[Client, str]:
        agent = support_agent()
        return signed_in(agent), path.format(caller=UserFactory(username="caller").pk)

    return setup


# Pages that show a flash message, and what it says: the page is checked with it showing.
MESSAGES = {
    "login with a message": "Please log in again.",
    "settings with a message": "Your settings are unchanged.",
    "share owner with an error message": "The device sharing request has expired.",
    "dashboard with a message holding a link": "print or save your online security card",
}

PAGES: dict[str, Callable[[], tuple[Client, str]]] = {
    "login": at("/login/"),
    "help portal login": at("/help/login/"),
    "help trading login": at("/help/trading-login/"),
    **{
        f"device step {kind}": device_step(kind)
        for kind in ("dsc_plus", "dsc", "scc", "platinum", "gold", "sms", "ib_key")
    },
    "enrolment": enrolment,
    "dashboard": portal("accounts:dashboard"),
    "secure login settings": portal("accounts:secure_login"),
    "add authenticator app": portal("authenticator_app:start"),
    "authenticator app QR code": authenticator_app_qr,
    "opt-out choice": portal("settings:sls_configure"),
    "opt-out risks": portal("settings:sls_opt_out"),
    "opt-in confirmation": opted_back_in,
    "bank instructions": portal("settings:bank_instructions"),
    "e-mail change": portal("settings:email"),
    "deposit": portal("settings:deposit"),
    "security key add": security_key_step("add"),
    "security key register": security_key_step("register"),
    "secure login settings with a security key": security_keys_listed,
    "device step temporary passcode": passcode_step,
    "online card": online_card,
    "share owner": share_step("owner"),
    "share device": share_step("device"),
    "share review": share_step("review"),
    "share status": share_status,
    "order start": order_page("start"),
    "order address": order_page("address"),
    "order address change": order_page("address_change"),
    "order address change queued": address_change_queued,
    "order pin": order_page("pin"),
    "order summary": order_page("summary"),
    "order confirmation": order_page("confirmation"),
    "order activation": order_page("activate"),
    "pin change": order_page("pin_change"),
    "withdraw": withdrawal_page("withdraw"),
    "withdrawal approval": withdrawal_page("approve"),
    "withdrawal detail": withdrawal_page("detail"),
    "simulators": at("/simulators/"),
    "keypad simulator": at("/simulators/keypad/"),
    "token simulator": at("/simulators/token/"),
    "printed card simulator": printed_card,
    "phone simulator": at("/simulators/phone/"),
    "phone app": phone_app,
    "phone app with an authenticator account": phone_app_with_authenticator,
    "phone inbox": at("/simulators/phone/inbox/"),
    "trading API docs": at("/api/trading/docs"),
    "login with a message": login_again,
    "settings with a message": settings_unchanged,
    "share owner with an error message": share_expired,
    "dashboard with a message holding a link": passcode_login,
    "admin index": support_desk("/admin/"),
    "admin users": support_desk("/admin/accounts/user/"),
    "admin user": support_desk("/admin/accounts/user/{caller}/change/"),
    "admin passcode": support_desk("/admin/accounts/user/{caller}/temporary-passcode/"),
    "admin audit events": support_desk("/admin/accounts/auditevent/"),
}
