"""The share wizard's state, kept in the server-side session (H2): whose password was
proven and when, the challenge shown, and whether the card answered it. Pages read the
ids from here, never from the form, so a posted device or challenge id is ignored."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from devices.models import Challenge, SecurityDevice
from devices.sharing.rules import SHARE_FLOW_TTL

SESSION_KEY = "sls_device_share"


class ShareFlow:
    """One requester's share in progress."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.state = request.session.get(SESSION_KEY)
        if not isinstance(self.state, dict) or self._expired():
            self.state = None

    def owner_accepted(self, owner: User) -> None:
        """The owner's password is right; the attempt binds the card's challenges to this
        flow alone, as a login attempt binds them to one login (D2)."""
        self.state = {
            "owner_id": owner.pk,
            "started_at": timezone.now().isoformat(),
            "attempt": secrets.token_urlsafe(24),
        }
        self._save()

    def owner(self) -> User | None:
        if self.state is None:
            return None
        return User.objects.filter(pk=self.state["owner_id"], is_active=True).first()

    @property
    def attempt(self) -> str:
        return self.state["attempt"] if self.state else ""

    def challenge_shown(self, challenge: Challenge) -> None:
        self.state.update(device_id=challenge.device_id, challenge_id=challenge.pk)
        self.state.pop("proven", None)
        self._save()

    @property
    def device_id(self) -> int:
        return self.state.get("device_id", 0) if self.state else 0

    @property
    def challenge_id(self) -> int | None:
        return self.state.get("challenge_id") if self.state else None

    def device_proven(self, device: SecurityDevice) -> None:
        self.state["proven"] = device.pk
        self._save()

    def proven_device(self) -> SecurityDevice | None:
        """The owner's device whose challenge was answered in this flow, if any."""
        if self.state is None or "proven" not in self.state:
            return None
        return (
            SecurityDevice.objects.select_related("authenticator", "user")
            .filter(pk=self.state["proven"], user_id=self.state["owner_id"])
            .first()
        )

    def end(self) -> None:
        self.state = None
        self.request.session.pop(SESSION_KEY, None)

    def _expired(self) -> bool:
        started = datetime.fromisoformat(self.state["started_at"])
        return timezone.now() - started > SHARE_FLOW_TTL

    def _save(self) -> None:
        self.request.session[SESSION_KEY] = self.state
