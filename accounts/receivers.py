"""Keeps the index of logged-in portal sessions (accounts.models.UserSession) in step
with contrib.auth's login and logout (G3)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from accounts.services.sessions import user_session_forget, user_session_record


@receiver(user_logged_in, dispatch_uid="accounts.user_session_record")
def _logged_in(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    user_session_record(user=user, session_key=session.session_key)


@receiver(user_logged_out, dispatch_uid="accounts.user_session_forget")
def _logged_out(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        user_session_forget(session_key=session.session_key)
