"""Message gateways are chosen by a setting, as Django's e-mail backends are (S1, S2)."""

from __future__ import annotations

import json

import pytest

from devices.gateways import sms_send, voice_call
from devices.gateways.locmem import sent
from devices.models import OutboundMessage

NUMBER = "+447400123456"


def test_S1_locmem_gateway_keeps_messages_in_memory():
    sms_send(to=NUMBER, body="hello")

    assert [(m.channel, m.to, m.body) for m in sent] == [("sms", NUMBER, "hello")]


def test_S1_console_gateway_prints(settings, capsys):
    settings.SLS_MESSAGE_GATEWAY = "devices.gateways.console.ConsoleGateway"

    sms_send(to=NUMBER, body="hello")

    assert capsys.readouterr().out == f"[sms to {NUMBER}] hello\n"


def test_S2_file_gateway_appends_json_lines(settings, tmp_path):
    settings.SLS_MESSAGE_GATEWAY = "devices.gateways.file.FileGateway"
    settings.SLS_MESSAGE_FILE_PATH = str(tmp_path / "messages")

    sms_send(to=NUMBER, body="code 1")
    voice_call(to=NUMBER, script="code 1, again")

    lines = (tmp_path / "messages" / "messages.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["channel"], r["to"], r["body"]) for r in records] == [
        ("sms", NUMBER, "code 1"),
        ("voice", NUMBER, "code 1, again"),
    ]


@pytest.mark.django_db
def test_S2_outbox_gateway_records_rows_for_the_inbox(settings):
    settings.SLS_MESSAGE_GATEWAY = "devices.gateways.outbox.OutboxGateway"

    voice_call(to=NUMBER, script="one, two")

    message = OutboundMessage.objects.get()
    assert (message.channel, message.to, message.body) == ("voice", NUMBER, "one, two")
    assert sent == []
