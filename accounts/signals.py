"""Signals the accounts app sends to the apps above it, so that imports still run one way."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `accounts.services.sessions.user_sessions_end` inside its transaction with
# user, reason, actor and client. Each app that keeps sessions or pending logins of its
# own (the trading platform) ends them and returns {"what": count}, counts that the
# audit event adds up.
user_sessions_ending = Signal()
