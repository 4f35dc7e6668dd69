"""Keeps messages in `sent`, like `django.core.mail.outbox`; the test suite empties it
before each test."""

from devices.gateways.base import Message, MessageGateway

sent: list[Message] = []


class LocmemGateway(MessageGateway):
    def send(self, message: Message) -> None:
        sent.append(message)
