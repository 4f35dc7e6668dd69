"""`manage.py trading_login` against a real server over HTTP (pytest-django's live
server): a card answered at the prompt, an IB Key push waited for by polling while the
phone approves, an opted-out user's password alone (L6), and the API's refusals."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from devices.models import Challenge, PushRequest
from tests.factories import UserFactory
from tests.login_helpers import card_answer
from tests.trading.conftest import phone_decide
from trading.client import TradingClient
from trading.management.commands import trading_login

pytestmark = pytest.mark.django_db(transaction=True)


def run(live_server, *args: str) -> dict:
    out = io.StringIO()
    call_command("trading_login", "--url", live_server.url, *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_cli_card_login_answered_at_the_prompt(live_server, monkeypatch, password):
    user = UserFactory()

    def typed(prompt: str) -> str:
        challenge = Challenge.objects.select_related("device__authenticator").latest("pk")
        return card_answer(challenge.device, challenge.value)

    monkeypatch.setattr(trading_login, "getpass", typed)
    result = run(live_server, "--username", user.username, "--password", password)

    assert result["status"] == "authenticated"
    me = TradingClient(live_server.url, result["token"]).get("/me")
    assert me["user"] == user.username
    assert me["device"]["kind"] == "dsc_plus"


@pytest.mark.parametrize(("method", "hours"), [("pin", 12), ("biometric", 30)])
def test_K5_cli_waits_for_the_push_by_polling(
    live_server, monkeypatch, app_user, password, method, hours
):
    user, app = app_user
    polls = []

    def phone_answers(seconds: float) -> None:
        polls.append(seconds)
        phone_decide(app, PushRequest.objects.latest("pk").pk, method=method)

    monkeypatch.setattr(trading_login.Command, "pause", staticmethod(phone_answers))
    result = run(live_server, "--username", user.username, "--password", password)

    assert polls == [2.0]
    session = result["session"]
    assert session["approval_method"] == method
    assert session["expires_at"] > session["authenticated_at"]


def test_L6_cli_opted_out_user_gets_a_token_with_the_password(live_server, password):
    user = UserFactory()
    user.account.sls_opted_out = True
    user.account.save(update_fields=["sls_opted_out"])
    out = io.StringIO()

    call_command(
        "trading_login",
        "--url",
        live_server.url,
        "--username",
        user.username,
        "--password",
        password,
        "--token-only",
        stdout=out,
    )

    token = out.getvalue().strip()
    assert TradingClient(live_server.url, token).get("/me")["approval_method"] == "password"


def test_L2_cli_prints_the_api_refusal(live_server):
    with pytest.raises(CommandError, match="Invalid user name password combination"):
        run(live_server, "--username", "nosuchuser", "--password", "wrong-password")


def test_L5_cli_wrong_response_is_login_failed(live_server, password):
    user = UserFactory()

    with pytest.raises(CommandError, match="Login failed"):
        run(live_server, "--username", user.username, "--password", password, "--response", "1")


def test_cli_denied_push_stops_waiting(live_server, monkeypatch, app_user, password):
    user, app = app_user

    def phone_denies(seconds: float) -> None:
        phone_decide(app, PushRequest.objects.latest("pk").pk, decision="deny")

    monkeypatch.setattr(trading_login.Command, "pause", staticmethod(phone_denies))

    with pytest.raises(CommandError, match="denied"):
        run(live_server, "--username", user.username, "--password", password)


def test_cli_unreachable_server_is_a_clear_error():
    with pytest.raises(CommandError, match="No trading API answered"):
        call_command(
            "trading_login", "--url", "http://127.0.0.1:9", "--username", "a", "--password", "b"
        )
