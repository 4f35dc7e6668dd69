"""Where a request came from, as the audit trail records it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.http import HttpRequest

USER_AGENT_MAX_LENGTH = 512

# The two ways in (SPEC 0): the Client Portal in a browser and the trading platform's API.
Channel = Literal["portal", "trading"]
CHANNELS: tuple[Channel, ...] = ("portal", "trading")


@dataclass(frozen=True)
class ClientInfo:
    ip_address: str | None
    user_agent: str
    # The channel the request came by; the metrics count logins and withdrawals by it.
    channel: Channel = "portal"

    @classmethod
    def from_request(cls, request: HttpRequest, channel: Channel = "portal") -> ClientInfo:
        return cls(
            ip_address=_valid_ip(request.META.get("REMOTE_ADDR")),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX_LENGTH],
            channel=channel,
        )


SYSTEM = ClientInfo(ip_address=None, user_agent="")


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value
