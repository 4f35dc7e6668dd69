"""Security keys in real Chromium (SPEC section 11, F1 F2), answered by the browser's own
virtual authenticator (tests/e2e/virtual_authenticator.py): the ceremonies run in the
browser exactly as with a key in the USB port, and the server's checks see what a real
key sends. The registration tests add the key through the pages; the others register it
on the server (tests/devices/security_keys/helpers.py) and hand its credential to
Chromium."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from playwright.sync_api import Page, Request, expect

from accounts.models import User
from devices.kinds import Kind
from devices.models import SecurityDevice
from devices.security_keys.software import SoftwareAuthenticator
from devices.security_keys.webauthn import (
    assertion_options,
    assertion_verify,
    challenge_new,
    registration_options,
    registration_verify,
)
from tests.devices.conftest import make_holder
from tests.devices.security_keys.helpers import key_device, security_key_give
from tests.e2e.helpers import (
    card_of,
    challenge_of,
    device_step,
    expect_welcome,
    log_in,
    log_out,
    printed_codes,
    serial_of,
)
from tests.e2e.virtual_authenticator import (
    credential_id_b64url,
    webauthn_without_authenticator,
)
from tests.factories import DEFAULT_PASSWORD
from withdrawals.models import Withdrawal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium's own JSON forms of the ceremonies (WebAuthn Level 3): what the options say
# in, what the portal is posted out.
CREATE = """async (options) => {
  const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
  const credential = await navigator.credentials.create({publicKey});
  return JSON.stringify(credential.toJSON());
}"""
GET = """async (options) => {
  const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
  const credential = await navigator.credentials.get({publicKey});
  return JSON.stringify(credential.toJSON());
}"""


# The pages' parts a key's ceremony runs through (the contract with their scripts,
# static/js/webauthn-register.js and static/js/webauthn-answer.js).
REGISTER = "#register-key"
ANSWER = "#webauthn-answer"
UNAVAILABLE = "#webauthn-unavailable"
# What a key that can answer nothing in time leaves the page to say, in milliseconds.
SHORT_CEREMONY_MS = 1500


def holder_with_key(
    username: str, card: str = "scc", name: str = "Keyring key"
) -> tuple[User, SoftwareAuthenticator]:
    """A user holding `card` and a security key registered on the server; the key's
    credential is then moved into the browser's virtual authenticator by the test."""
    user = make_holder(card, username=username)
    return user, security_key_give(user, name)


def ceremony_click(page: Page, button: str) -> None:
    """Press the button that starts a ceremony once the page's deferred script listens to
    it: a press before then does nothing, as on a page without scripts."""
    target = page.locator(button)
    expect(target).to_be_visible()
    page.wait_for_load_state("load")
    target.click()


def key_add(page: Page, base: str, user: User, name: str) -> None:
    """Step one of adding a key: its name and the Security Code Card's fresh answer (G2);
    the page that asks the browser for the key follows."""
    page.goto(f"{base}{reverse('security_keys:add')}")
    page.locator("input[name=name]").fill(name)
    card = page.context.new_page()
    codes = printed_codes(card, base, serial_of(user, "scc"), challenge_of(page))
    card.close()
    page.get_by_label("Codes from your card", exact=True).fill(codes)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Register your security key")).to_be_visible()


def key_step(page: Page) -> None:
    """Answer the device step with the browser's security key: the page's button asks it,
    the script posts what it signs."""
    expect(page.get_by_role("heading", name="Second factor")).to_be_visible()
    expect(page.get_by_label("Answer from your security key")).to_have_count(0)
    ceremony_click(page, ANSWER)


def log_in_with_key(page: Page, base: str, username: str) -> None:
    log_in(page, base, username, DEFAULT_PASSWORD)
    key_step(page)
    expect_welcome(page, username)


def expect_login_failed(page: Page) -> None:
    expect(page.get_by_role("alert").filter(has_text="Login failed")).to_be_visible()
    expect(page.get_by_role("heading", name="Second factor")).to_be_visible()


def login_posts(page: Page) -> list[dict[str, str]]:
    """Every answer the login's device step posts from now on, as the form's fields."""
    posts: list[dict[str, str]] = []
    device_url = reverse("devices:login_device")

    def record(request: Request) -> None:
        if request.method == "POST" and request.url.split("?")[0].endswith(device_url):
            fields = parse_qs(request.post_data or "")
            posts.append({name: values[0] for name, values in fields.items()})

    page.on("request", record)
    return posts


def test_F1_virtual_authenticator_registration_verifies(
    page, webauthn_origin, virtual_authenticator
):
    """The fixture's key is one the server accepts: its attestation registers, with user
    verification, and its assertions verify with a sign count that moves forward."""
    page.goto(f"{webauthn_origin}/login/")
    challenge = challenge_new()
    options = registration_options(
        challenge=challenge, user_id=1, user_name="alice", exclude_credential_ids=[]
    )

    registered = registration_verify(answer=page.evaluate(CREATE, options), challenge=challenge)

    on_key = virtual_authenticator.credential()
    assert registered.credential_id == credential_id_b64url(on_key)
    assert on_key["rpId"] == "localhost"
    counts = []
    for _ in range(2):
        challenge = challenge_new()
        answer = page.evaluate(
            GET, assertion_options(challenge=challenge, credential_id=registered.credential_id)
        )
        assert json.loads(answer)["response"]["authenticatorData"]
        counts.append(
            assertion_verify(
                answer=answer,
                challenge=challenge,
                credential_id=registered.credential_id,
                public_key=registered.public_key,
            )
        )
    assert registered.sign_count < counts[0] < counts[1]
    assert counts[1] == virtual_authenticator.credential()["signCount"]


def test_F1_a_software_key_moved_into_chromium_answers_as_registered(
    page, webauthn_origin, virtual_authenticator
):
    """The other tests register their keys on the server with a software authenticator
    and hand its credential to Chromium's: the browser's assertions then verify against
    the stored public key and continue its sign count."""
    software = SoftwareAuthenticator(sign_count=7)
    challenge = challenge_new()
    options = registration_options(
        challenge=challenge, user_id=1, user_name="alice", exclude_credential_ids=[]
    )
    registered = registration_verify(
        answer=json.dumps(software.create(options, origin=webauthn_origin)), challenge=challenge
    )
    virtual_authenticator.credential_import(software)

    page.goto(f"{webauthn_origin}/login/")
    challenge = challenge_new()
    answer = page.evaluate(
        GET, assertion_options(challenge=challenge, credential_id=registered.credential_id)
    )

    assert (
        assertion_verify(
            answer=answer,
            challenge=challenge,
            credential_id=registered.credential_id,
            public_key=registered.public_key,
        )
        == 8
    )


def test_F1_key_registered_in_chromium_then_logs_in(page, webauthn_origin, virtual_authenticator):
    """After the card's fresh answer (G2) the browser registers the key under the name the
    user gave; the Secure Login System page lists it, and the next login is password then
    key: the key, level 5, comes before the card."""
    user = make_holder("scc", username="alice")
    log_in(page, webauthn_origin, "alice", DEFAULT_PASSWORD)
    device_step(page, webauthn_origin, user, "scc")
    expect_welcome(page, "alice")

    key_add(page, webauthn_origin, user, "Keyring key")
    ceremony_click(page, REGISTER)

    expect(page).to_have_url(f"{webauthn_origin}{reverse('accounts:secure_login')}")
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        "Keyring key"
    )
    expect(page.get_by_role("cell", name="Keyring key", exact=True)).to_be_visible()
    key = key_device(user)
    assert key.name == "Keyring key"
    assert key.authenticator.credential_id == credential_id_b64url(
        virtual_authenticator.credential()
    )
    assert user.audit_events.filter(event_type="device.registered").exists()

    log_out(page)
    log_in_with_key(page, webauthn_origin, "alice")
    key.authenticator.refresh_from_db()
    assert key.authenticator.last_used_at is not None
    assert key.authenticator.counter == virtual_authenticator.credential()["signCount"]


def test_F2_key_approves_a_withdrawal_above_the_card_tier(
    page, webauthn_origin, virtual_authenticator
):
    """W1 with F2: the key is the strongest device, so the unlimited row applies, and its
    fresh assertion approves an amount the Security Code Card's row would refuse."""
    user, key = holder_with_key("carol")
    virtual_authenticator.credential_import(key)
    log_in_with_key(page, webauthn_origin, "carol")

    page.get_by_role("link", name="Withdraw funds").click()
    expect(page.get_by_test_id("tier-reason")).to_contain_text("Security key or passkey")
    expect(page.get_by_test_id("available-today")).to_contain_text("Unlimited")
    page.get_by_label("Amount (USD)").fill("250,000")
    page.get_by_label("Destination bank account (IBAN or account number)").fill(
        "GB82 WEST 1234 5698 7654 32"
    )
    page.get_by_label("Approve with").select_option(str(key_device(user).pk))
    page.get_by_role("button", name="Review").click()
    expect(page.get_by_role("heading", name="Confirm the withdrawal")).to_be_visible()
    expect(page.get_by_test_id("intent-amount")).to_have_text("USD 250,000.00")
    ceremony_click(page, ANSWER)

    expect(page.get_by_role("heading", name="Withdrawal accepted")).to_be_visible()
    withdrawal = Withdrawal.objects.get()
    assert withdrawal.amount == Decimal("250000.00")
    assert withdrawal.tier == "unlimited"


def test_F1_assertion_for_another_origin_refused_by_the_server(
    page, settings, webauthn_origin, virtual_authenticator
):
    """The browser signs for the origin it is at; a portal that allows only another one
    (a look-alike site relaying the ceremony) refuses the answer: "Login failed"."""
    user, key = holder_with_key("dave")
    virtual_authenticator.credential_import(key)
    settings.SLS_WEBAUTHN_ORIGINS = ["https://portal.example.com"]

    log_in(page, webauthn_origin, "dave", DEFAULT_PASSWORD)
    key_step(page)

    expect_login_failed(page)
    stored = key_device(user).authenticator
    assert stored.last_used_at is None
    assert stored.counter == 0


def test_F1_relying_party_of_another_site_refused_by_the_browser(
    page, webauthn_origin, virtual_authenticator
):
    """The portal opened at http://127.0.0.1: the relying party "localhost" is not this
    page's domain, so Chromium asks no key at all; the page says why and what to do, and
    nothing is posted."""
    user, key = holder_with_key("erin")
    virtual_authenticator.credential_import(key)
    elsewhere = webauthn_origin.replace("localhost", "127.0.0.1")
    posts = login_posts(page)

    log_in(page, elsewhere, "erin", DEFAULT_PASSWORD)
    key_step(page)

    expect(page.locator(UNAVAILABLE)).to_be_visible()
    expect(page.locator(UNAVAILABLE)).to_contain_text("address")
    expect(page.get_by_role("heading", name="Second factor")).to_be_visible()
    assert posts == []
    assert virtual_authenticator.credential()["signCount"] == 0
    assert key_device(user).authenticator.last_used_at is None


def test_F1_replayed_assertion_refused(page, webauthn_origin, virtual_authenticator):
    """An assertion that logged in once, posted again with its own challenge or with the
    next login's, is refused (D2: a challenge answers once); the key itself still works."""
    user, key = holder_with_key("frank")
    virtual_authenticator.credential_import(key)
    posts = login_posts(page)
    log_in_with_key(page, webauthn_origin, "frank")
    (first,) = posts
    assert json.loads(first["response"])["type"] == "public-key"
    log_out(page)

    log_in(page, webauthn_origin, "frank", DEFAULT_PASSWORD)
    replays = [
        ({"challenge": first["challenge"]}, "That challenge is no longer open"),
        ({}, "Login failed"),
    ]
    for fields, refusal in replays:
        for name, value in {**fields, "response": first["response"]}.items():
            page.locator(f"input[name={name}]").evaluate("(input, v) => input.value = v", value)
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_text(refusal)).to_be_visible()
        expect(page.get_by_role("heading", name="Second factor")).to_be_visible()
    assert key_device(user).authenticator.counter == 1

    key_step(page)
    expect_welcome(page, "frank")
    assert key_device(user).authenticator.counter == 2


def test_F1_cloned_key_whose_counter_went_back_refused_and_flagged(
    page, webauthn_origin, virtual_authenticator
):
    """A copy of the key taken before a login still holds the old sign count: its next
    assertion counts no further than the portal has seen, so it is refused and the key
    flagged as possibly cloned (device.clone_suspected)."""
    user, key = holder_with_key("grace")
    virtual_authenticator.credential_import(key)
    copy = virtual_authenticator.credential()
    log_in_with_key(page, webauthn_origin, "grace")
    assert key_device(user).authenticator.counter == 1
    log_out(page)

    virtual_authenticator.credential_remove(copy["credentialId"])
    virtual_authenticator.credential_add(copy)
    log_in(page, webauthn_origin, "grace", DEFAULT_PASSWORD)
    key_step(page)

    expect_login_failed(page)
    stored = key_device(user).authenticator
    assert stored.clone_suspected_at is not None
    assert stored.counter == 1
    assert user.audit_events.filter(event_type="device.clone_suspected").exists()


def test_F2_chooser_offers_the_key_beside_the_card(page, webauthn_origin, virtual_authenticator):
    """M2FS: a user with a DSC+ and a key is offered both, the key by the name its holder
    gave; the card asks for a typed response, the key for the browser's answer."""
    user, key = holder_with_key("heidi", card="dsc_plus", name="Blue key")
    virtual_authenticator.credential_import(key)
    log_in(page, webauthn_origin, "heidi", DEFAULT_PASSWORD)

    chooser = page.get_by_label("Security device")
    expect(chooser.locator("option")).to_have_text(
        [
            f"Digital Security Card+ ({serial_of(user, 'dsc_plus')})",
            "Security key or passkey: Blue key",
        ]
    )
    expect(page.get_by_label("Response from your card")).to_be_visible()
    expect(page.locator(ANSWER)).to_have_count(0)
    chooser.select_option(label="Security key or passkey: Blue key")
    page.get_by_role("button", name="Use this device").click()

    key_step(page)
    expect_welcome(page, "heidi")
    assert key_device(user).authenticator.counter == 1


def test_F1_key_that_cannot_verify_its_user_logs_nobody_in(
    page, webauthn_origin, virtual_authenticator
):
    """User verification is required: a key that cannot check its holder's PIN or
    fingerprint gives no assertion, and the page says what to do."""
    user, key = holder_with_key("ivan")
    virtual_authenticator.credential_import(key)
    virtual_authenticator.user_verified_set(False)

    log_in(page, webauthn_origin, "ivan", DEFAULT_PASSWORD)
    key_step(page)

    expect(page.locator(UNAVAILABLE)).to_be_visible()
    expect(page.get_by_role("heading", name="Second factor")).to_be_visible()
    assert key_device(user).authenticator.last_used_at is None


def test_F1_without_an_authenticator_the_login_page_says_what_to_do(
    page, monkeypatch, webauthn_origin
):
    """No key at hand: the browser's request ends unanswered, the page says to plug the
    key in or choose another device, and the card from the list logs in."""
    monkeypatch.setattr("devices.security_keys.webauthn.CEREMONY_TIMEOUT_MS", SHORT_CEREMONY_MS)
    user, _ = holder_with_key("judy")
    webauthn_without_authenticator(page)

    log_in(page, webauthn_origin, "judy", DEFAULT_PASSWORD)
    key_step(page)
    expect(page.locator(UNAVAILABLE)).to_be_visible()
    expect(page.locator(UNAVAILABLE)).to_contain_text("another of your security devices")

    page.get_by_label("Security device").select_option(str(card_of(user, "scc").pk))
    page.get_by_role("button", name="Use this device").click()
    device_step(page, webauthn_origin, user, "scc")
    expect_welcome(page, "judy")


def test_F1_without_an_authenticator_the_registration_page_says_what_to_do(
    page, monkeypatch, webauthn_origin
):
    """The registration's request ends unanswered too: the page says what to do, and no
    key is added."""
    monkeypatch.setattr("devices.security_keys.webauthn.CEREMONY_TIMEOUT_MS", SHORT_CEREMONY_MS)
    user = make_holder("scc", username="kim")
    webauthn_without_authenticator(page)
    log_in(page, webauthn_origin, "kim", DEFAULT_PASSWORD)
    device_step(page, webauthn_origin, user, "scc")
    expect_welcome(page, "kim")

    key_add(page, webauthn_origin, user, "Laptop passkey")
    ceremony_click(page, REGISTER)

    expect(page.locator(UNAVAILABLE)).to_be_visible()
    expect(page.locator(UNAVAILABLE)).to_contain_text("Plug in your security key")
    assert not SecurityDevice.objects.filter(
        user=user, authenticator__kind=Kind.SECURITY_KEY
    ).exists()
