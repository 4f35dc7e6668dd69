"""What every part of the trading API shares: the bearer-token check, the error answers
and how a device is shown. Kept apart from `api.py` so the routers can import it."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.responses import codes_4xx
from ninja.security import HttpBearer

from accounts.client_info import ClientInfo
from accounts.request_log import request_user_note
from devices.models import SecurityDevice
from trading import schemas
from trading.models import TradingSession
from trading.services.sessions import trading_session_check

ERRORS = {code: schemas.ErrorOut for code in codes_4xx}


class SessionRequest(HttpRequest):
    """A request `SessionToken` let through: django-ninja sets `auth` to the session that
    `authenticate` returned. Endpoints annotate their request with it; ninja itself hands
    them a plain `HttpRequest`."""

    auth: TradingSession


class SessionToken(HttpBearer):
    """Every authenticated call re-checks the session (expiry, revocation, device, T2)."""

    def authenticate(self, request: HttpRequest, token: str) -> TradingSession:
        session = trading_session_check(token=token, client=trading_client(request))
        request_user_note(user_id=session.user_id)
        return session


def trading_client(request: HttpRequest) -> ClientInfo:
    """Where a call came from, on the trading channel (the audit trail and the metrics)."""
    return ClientInfo.from_request(request, channel="trading")


def device_out(device: SecurityDevice) -> dict:
    kind = device.authenticator.kind_behaviour
    return {
        "id": device.pk,
        "kind": kind.code,
        "label": kind.label,
        "uses_push": kind.uses_push,
        "temporary": kind.temporary,
    }
