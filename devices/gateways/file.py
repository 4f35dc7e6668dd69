"""Appends each message as one JSON line to a file in `SLS_MESSAGE_FILE_PATH`."""

import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from devices.gateways.base import Message, MessageGateway


class FileGateway(MessageGateway):
    writes_to_log = True

    def send(self, message: Message) -> None:
        folder = Path(settings.SLS_MESSAGE_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        line = {
            "at": timezone.now().isoformat(),
            "channel": message.channel,
            "to": message.to,
            "body": message.body,
        }
        with open(folder / "messages.jsonl", "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
