"""Records each message in the database, where the simulators' phone inbox reads it."""

from devices.gateways.base import Message, MessageGateway
from devices.models import OutboundMessage


class OutboxGateway(MessageGateway):
    def send(self, message: Message) -> None:
        OutboundMessage.objects.create(channel=message.channel, to=message.to, body=message.body)
