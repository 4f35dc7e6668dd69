"""Text messages and voice calls through a gateway chosen by `SLS_MESSAGE_GATEWAY`, as
Django chooses an e-mail backend: console, file, a database outbox (which the simulators'
inbox reads) or local memory for tests. A real provider is one more class with `send`."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from accounts.metrics import message_sent_counted
from devices.gateways.base import Message, MessageGateway


def gateway() -> MessageGateway:
    return import_string(settings.SLS_MESSAGE_GATEWAY)()


def sms_send(*, to: str, body: str) -> None:
    gateway().send(Message(channel="sms", to=to, body=body))
    message_sent_counted(medium="sms")


def voice_call(*, to: str, script: str) -> None:
    """Place a call whose synthetic voice reads `script` (S2)."""
    gateway().send(Message(channel="voice", to=to, body=script))
    message_sent_counted(medium="voice")


__all__ = ["Message", "MessageGateway", "gateway", "sms_send", "voice_call"]
