"""Which portal sessions belong to which user, so that all of them can be ended at once
(G3): Django's session store keeps the user only inside each session's encoded data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class UserSession(models.Model):
    """One logged-in portal session of a user, by its key in the session store. Written at
    login, renamed when the portal rotates a logged-in session's key
    (accounts.services.sessions.session_key_rotate), removed at logout; a row whose
    session has since expired in the store is harmless and pruned at the user's next
    login."""

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_sessions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="usersession_user_created")]

    def __str__(self) -> str:
        return f"portal session of {self.user_id} from {self.created_at:%Y-%m-%d %H:%M}"
