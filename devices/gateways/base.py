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
    def send(self, message: Message) -> None:
        raise NotImplementedError
