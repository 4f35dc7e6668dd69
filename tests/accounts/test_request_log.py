"""The request log (accounts.request_log) under production's JSON logging: one JSON line per
request with its id, user and outcome; the id taken from X-Request-ID when it is plainly
an id and echoed back; every other line of the request carrying the same id; and never a
password, a code or a query string, whatever the request carried."""

from __future__ import annotations

import io
import json
import logging.config
import re
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, connection

from devices.gateways.locmem import sent
from sls_portal.settings.logs import json_logging
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.login_helpers import device_page, post_login
from tests.trading.api import card_login, get, token_of

# The audit events on a line are those its request committed: real commits, not a test's
# transaction rolled back at the end.
pytestmark = pytest.mark.django_db(transaction=True)

REQUEST_FIELDS = {
    "time",
    "level",
    "logger",
    "message",
    "request_id",
    "method",
    "path",
    "status",
    "duration_ms",
    "user_id",
    "outcome",
    "events",
}


class Logs:
    """What production's logging wrote, line by line."""

    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def read(self) -> list[dict]:
        return [json.loads(line) for line in self.text.splitlines()]

    def requests(self) -> list[dict]:
        return [entry for entry in self.read() if entry["logger"] == "sls.request"]


@pytest.fixture
def logs():
    """Production's logging configuration, its handler writing to a buffer instead of
    standard error."""
    logging.config.dictConfig(json_logging("INFO"))
    stream = io.StringIO()
    [handler] = logging.getLogger().handlers
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    yield Logs(stream)
    logging.config.dictConfig(settings.LOGGING)


def sms_code() -> str:
    return re.search(r"code: ([0-9]{6})", sent[-1].body).group(1)


def test_one_json_line_per_request_with_its_id_and_outcome(client, logs):
    response = client.get("/login/?next=/withdrawals/")

    [line] = logs.requests()
    assert set(line) == REQUEST_FIELDS
    assert line["level"] == "INFO"
    assert line["method"] == "GET"
    assert line["path"] == "/login/"
    assert line["status"] == 200
    assert line["outcome"] == "ok"
    assert line["user_id"] is None
    assert line["events"] == []
    assert isinstance(line["duration_ms"], float)
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert response["X-Request-ID"] == line["request_id"]
    assert line["time"].endswith("+00:00")


def test_the_request_id_of_the_proxy_is_kept_and_echoed(client, logs):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a9c01-42"})

    [line] = logs.requests()
    assert line["request_id"] == "edge-7f3a9c01-42"
    assert response["X-Request-ID"] == "edge-7f3a9c01-42"


@pytest.mark.parametrize(
    "offered", ["short", "x" * 65, "has space-0123", 'quote"0123456', "line\nbreak-0123", "ü" * 10]
)
def test_a_request_id_that_is_not_plainly_an_id_is_replaced(client, logs, offered):
    response = client.get("/healthz", headers={"X-Request-ID": offered})

    [line] = logs.requests()
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert response["X-Request-ID"] == line["request_id"]


def test_every_line_of_a_request_carries_its_id(client, logs):
    client.get("/no-such-page/", headers={"X-Request-ID": "trace-0123456789"})

    entries = logs.read()
    not_found = [entry for entry in entries if entry["logger"] == "django.request"]
    assert not_found and not_found[0]["message"] == "Not Found: /no-such-page/"
    assert {entry["request_id"] for entry in entries} == {"trace-0123456789"}
    assert logs.requests()[0]["outcome"] == "refused"
    logging.getLogger("sls").warning("between requests")
    assert "request_id" not in logs.read()[-1]


def test_a_support_agent_can_follow_one_clients_login(client, logs):
    """Each step names the user once known: the password step by the event it wrote, the
    device step likewise, then the signed-in session."""
    user = UserFactory(device="sms")

    post_login(client, user.username, DEFAULT_PASSWORD)
    page = device_page(client)
    client.post(
        "/login/device/",
        {
            "device": page.context["device"].pk,
            "challenge": page.context["challenge"].pk,
            "response": sms_code(),
        },
    )
    client.get("/")

    lines = logs.requests()
    assert [line["user_id"] for line in lines] == [user.pk] * len(lines)
    assert [line["events"] for line in lines][0] == []
    assert ["login.succeeded"] in [line["events"] for line in lines]
    assert len({line["request_id"] for line in lines}) == len(lines)


def test_no_password_code_or_query_string_reaches_the_log(client, logs):
    user = UserFactory(device="sms")
    secret_query = "reset-token-0f9e8d7c6b5a"

    post_login(client, user.username, "Wrong-Password-Typed-1")
    post_login(client, user.username, DEFAULT_PASSWORD)
    page = device_page(client)
    code = sms_code()
    answer = {"device": page.context["device"].pk, "challenge": page.context["challenge"].pk}
    client.post("/login/device/", {**answer, "response": f"{(int(code) + 1) % 10**6:06d}"})
    client.post("/login/device/", {**answer, "response": code})
    client.get(f"/?token={secret_query}")
    trading = card_login(client, UserFactory().username, DEFAULT_PASSWORD)
    get(client, "/me", token=token_of(trading))

    for secret in (DEFAULT_PASSWORD, "Wrong-Password-Typed-1", code, secret_query):
        assert secret not in logs.text
    assert token_of(trading) not in logs.text
    assert len(logs.requests()) >= 8


def test_the_trading_channel_names_the_sessions_user(client, logs):
    user = UserFactory()
    token = token_of(card_login(client, user.username, DEFAULT_PASSWORD))

    get(client, "/me", token=token)

    me = logs.requests()[-1]
    assert me["path"] == "/api/trading/me"
    assert me["user_id"] == user.pk


def test_the_line_is_written_when_the_database_is_down(client, logs):
    """The signed-in user cannot be looked up: the line says so rather than failing."""
    client.force_login(UserFactory())
    client.raise_request_exception = False
    error = OperationalError("the server closed the connection")

    with mock.patch.object(connection, "ensure_connection", side_effect=error):
        client.get("/")

    line = logs.requests()[-1]
    assert line["status"] >= 500
    assert line["outcome"] == "error"
    assert line["user_id"] is None
