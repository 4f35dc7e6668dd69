"""The portal's own counters (accounts.metrics): each moves when its event is written and
committed, by the labels it names, and stays put when the action is rolled back."""

from __future__ import annotations

import pytest
from django.db import transaction
from prometheus_client import REGISTRY

from accounts import metrics
from accounts.client_info import SYSTEM, ClientInfo
from accounts.services.login import login_password_check, login_succeeded
from accounts.services.throttle import throttle_attempt
from devices.ib_key.push import push_create, push_decide
from devices.models import PushRequest
from devices.services.sms import sms_code_call
from devices.temporary.services import passcode_issue
from tests.devices.ib_key.app import install_app
from tests.factories import UserFactory
from tests.identification_helpers import caller_identified
from tests.login_helpers import device_page, full_login, post_login
from tests.trading.api import card_login
from tests.withdrawals.helpers import review, submit, withdraw
from withdrawals.services.refusals import WithdrawalRefused

pytestmark = pytest.mark.django_db

TRADING = ClientInfo(ip_address=None, user_agent="", channel="trading")


def count(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(f"{name}_total", labels) or 0.0


def counts(name: str, label_sets: list[dict[str, str]]) -> list[float]:
    return [count(name, **labels) for labels in label_sets]


LOGIN_SERIES = [
    {"channel": channel, "outcome": outcome}
    for channel in metrics.CHANNELS
    for outcome in metrics.LOGIN_OUTCOMES
]


ANSWER_SERIES = [{"answer": answer} for answer in metrics.PUSH_ANSWERS]


def login_moves(before: list[float]) -> dict[tuple[str, str], float]:
    """Which login series moved since `before`, and by how much."""
    after = counts("sls_logins", LOGIN_SERIES)
    return {
        (labels["channel"], labels["outcome"]): now - then
        for labels, then, now in zip(LOGIN_SERIES, before, after, strict=True)
        if now != then
    }


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what waits for the commit, as the end of the outermost transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_every_series_is_exported_from_the_start():
    assert REGISTRY.get_sample_value("sls_logins_total", LOGIN_SERIES[0]) is not None
    assert REGISTRY.get_sample_value("sls_lockouts_total") is not None
    assert REGISTRY.get_sample_value("sls_throttle_fallbacks_total") is not None


def test_a_portal_login_counts_one_success_on_the_portal(client, password, commits):
    user = UserFactory()
    before = counts("sls_logins", LOGIN_SERIES)

    with commits():
        response = full_login(client, user.username, password)

    assert response.status_code == 302
    assert login_moves(before) == {("portal", "succeeded"): 1}


def test_a_trading_login_counts_one_success_on_the_trading_channel(client, password, commits):
    user = UserFactory()
    before = counts("sls_logins", LOGIN_SERIES)

    with commits():
        response = card_login(client, user.username, password)

    assert response.status_code == 200
    assert login_moves(before) == {("trading", "succeeded"): 1}


def test_wrong_passwords_count_as_failed_and_a_locked_user_as_locked(commits):
    user = UserFactory()
    before = counts("sls_logins", LOGIN_SERIES)
    lockouts = count("sls_lockouts")

    with commits():
        for _ in range(10):
            login_password_check(username=user.username, password="wrong", client=TRADING)
    assert login_moves(before) == {("trading", "failed"): 10}
    assert count("sls_lockouts") == lockouts + 1

    with commits():
        login_password_check(username=user.username, password="wrong", client=TRADING)
    assert login_moves(before) == {("trading", "failed"): 10, ("trading", "locked"): 1}
    assert count("sls_lockouts") == lockouts + 1


def test_an_unknown_user_counts_as_failed(client, commits):
    before = counts("sls_logins", LOGIN_SERIES)

    with commits():
        post_login(client, "nobody", "whatever-it-is")

    assert login_moves(before) == {("portal", "failed"): 1}


def test_a_throttled_attempt_counts_as_throttled(settings, commits):
    settings.SLS_THROTTLE_LIMITS = {"password_user": (1, 300)}
    before = counts("sls_logins", LOGIN_SERIES)

    with commits():
        first = throttle_attempt(scope="password", client=SYSTEM, username="someone")
        second = throttle_attempt(scope="password", client=SYSTEM, username="someone")

    assert first.allowed and not second.allowed
    assert login_moves(before) == {("portal", "throttled"): 1}


def test_a_login_rolled_back_is_not_counted(commits):
    user = UserFactory()
    before = counts("sls_logins", LOGIN_SERIES)

    with commits(), pytest.raises(RuntimeError), transaction.atomic():
        login_succeeded(user=user, client=SYSTEM)
        raise RuntimeError("the request failed after the event was written")

    assert login_moves(before) == {}


def test_pushes_sent_and_answered(commits):
    user = UserFactory(device=False)
    app = install_app(user)
    device = app.registration.device
    sent = count("sls_pushes_sent")
    answers = counts("sls_pushes_answered", ANSWER_SERIES)

    with commits():
        push = push_create(device=device, attempt="attempt-1", client=SYSTEM)
        again = push_create(device=device, attempt="attempt-1", client=SYSTEM)
    assert again.pk == push.pk
    assert count("sls_pushes_sent") == sent + 1

    with commits():
        push_decide(
            push_id=push.pk,
            installation_id=app.installation_id,
            typed_number=push.number,
            decision="approve",
            method="pin",
            signature=app.sign(push.pk, push.number),
            client=SYSTEM,
        )
    assert PushRequest.objects.get(pk=push.pk).status == PushRequest.Status.APPROVED
    moved = [
        now - then
        for now, then in zip(counts("sls_pushes_answered", ANSWER_SERIES), answers, strict=True)
    ]
    assert moved == [1, 0, 0]


def test_a_push_rolled_back_is_not_counted(commits):
    user = UserFactory(device=False)
    device = install_app(user).registration.device
    sent = count("sls_pushes_sent")

    with commits(), pytest.raises(RuntimeError), transaction.atomic():
        push_create(device=device, attempt="attempt-1", client=SYSTEM)
        raise RuntimeError("rolled back")

    assert count("sls_pushes_sent") == sent


def test_text_messages_and_voice_calls_sent(client, password):
    user = UserFactory(device="sms")
    sms, voice = (
        count("sls_messages_sent", medium="sms"),
        count("sls_messages_sent", medium="voice"),
    )

    post_login(client, user.username, password)
    page = device_page(client)
    sms_code_call(
        device=page.context["device"],
        attempt=client.session["sls_pending_login"]["attempt"],
        purpose=page.context["challenge"].purpose,
    )

    assert count("sls_messages_sent", medium="sms") == sms + 1
    assert count("sls_messages_sent", medium="voice") == voice + 1


def test_temporary_passcodes_issued(support_agent, commits):
    user = UserFactory()
    issued = count("sls_temporary_passcodes_issued")

    with commits():
        passcode_issue(
            user=user,
            agent=support_agent,
            identification=caller_identified(user, support_agent),
            reason="lost",
            client=SYSTEM,
        )

    assert count("sls_temporary_passcodes_issued") == issued + 1


def test_withdrawals_accepted_and_refused_by_channel(commits):
    user = UserFactory()
    accepted = count("sls_withdrawals", channel="portal", outcome="accepted")
    refused = count("sls_withdrawals", channel="portal", outcome="refused")

    with commits():
        withdraw(user, "100.00")
        intent, challenge = review(user, "100.00")
        with pytest.raises(WithdrawalRefused):
            submit(user, intent, challenge, "00000000")

    assert count("sls_withdrawals", channel="portal", outcome="accepted") == accepted + 1
    assert count("sls_withdrawals", channel="portal", outcome="refused") == refused + 1


def test_throttle_fallbacks_counted():
    before = count("sls_throttle_fallbacks")

    metrics.throttle_fallback_counted()

    assert count("sls_throttle_fallbacks") == before + 1
