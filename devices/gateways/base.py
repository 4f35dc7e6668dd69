"""The gateway contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Message:
    channel: Literal["sms", "voice"]
    to: str
    body: str


class MessageGateway:
    # True for a gateway that writes each message, its code included, where logs and files
    # are read rather than to the phone: refused in production, flagged by check --deploy.
    writes_to_log = False

    def send(self, message: Message) -> None:
        raise NotImplementedError
