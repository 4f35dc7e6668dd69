"""Records each message in the database, where the simulators' phone inbox reads it."""

from ..models import OutboundMessage
from .base import Message, MessageGateway


class OutboxGateway(MessageGateway):
    def send(self, message: Message) -> None:
        OutboundMessage.objects.create(channel=message.channel, to=message.to, body=message.body)
