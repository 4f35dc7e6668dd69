"""Writes each message to standard output: development without a database inbox."""

import sys

from devices.gateways.base import Message, MessageGateway


class ConsoleGateway(MessageGateway):
    writes_to_log = True

    def send(self, message: Message) -> None:
        sys.stdout.write(f"[{message.channel} to {message.to}] {message.body}\n")
        sys.stdout.flush()
