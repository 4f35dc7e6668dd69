"""The pending registration of a security key, kept in the server-side session between the
fresh answer and the browser's reply (F1): the page never holds the challenge it is bound
to, only the options derived from it. Taking it ends it, whatever follows, so one
registration is answered once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest

from devices.security_keys.services import PendingRegistration

SESSION_KEY = "sls_security_key_registration"


class RegistrationFlow:
    """One user's security key registration in progress, in `request`'s session."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def start(self, pending: PendingRegistration) -> None:
        """Keep `pending`, replacing any registration begun before."""
        self.request.session[SESSION_KEY] = {
            "user_id": pending.user_id,
            "name": pending.name,
            "challenge": pending.challenge,
            "expires_at": pending.expires_at.isoformat(),
        }

    def peek(self) -> PendingRegistration | None:
        """The registration kept, if any, left in place (a reloaded page shows it again)."""
        return _parsed(self.request.session.get(SESSION_KEY))

    def take(self) -> PendingRegistration | None:
        """The registration kept, if any, ended: a second reply finds nothing."""
        return _parsed(self.request.session.pop(SESSION_KEY, None))


def _parsed(state: Any) -> PendingRegistration | None:
    if not isinstance(state, dict):
        return None
    return PendingRegistration(
        user_id=state["user_id"],
        name=state["name"],
        challenge=state["challenge"],
        expires_at=datetime.fromisoformat(state["expires_at"]),
    )
