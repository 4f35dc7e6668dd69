"""The portal's own Prometheus counters: what an operator watches besides the HTTP figures
of django-prometheus (docs/operations.md lists them all).

Most of them follow the audit trail: `audit_record` hands every event to
`audit_event_counted`, which maps its type to a counter, so an event is counted where it is
written and nowhere else. A counter moves only once the transaction that wrote the event
has committed: an action rolled back leaves no event and no count. Labels take a handful of
fixed values (channel, outcome, answer, medium), never a user, an address or an amount, so
the number of series stays small whatever the traffic.

Under gunicorn each worker counts in its own process; with PROMETHEUS_MULTIPROC_DIR set
(`make serve` sets it) prometheus_client writes the counts to files there and /metrics
adds up every worker's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.db import transaction
from prometheus_client import Counter

from accounts.client_info import CHANNELS, Channel
from accounts.models import AuditEventType

LOGIN_OUTCOMES = ("succeeded", "failed", "locked", "throttled")
PUSH_ANSWERS = ("approved", "denied", "fraud_reported")
MEDIUMS = ("sms", "voice")
WITHDRAWAL_OUTCOMES = ("accepted", "refused")

LOGINS = Counter(
    "sls_logins",
    "Login attempts by channel and outcome: succeeded (every step passed), failed (an "
    "unknown user, a wrong password, device answer or code), locked (refused: the user is "
    "locked, L3), throttled (refused by a throttle before any check).",
    ["channel", "outcome"],
)
LOCKOUTS = Counter("sls_lockouts", "Users locked out after ten failed attempts (L3).")
PUSHES_SENT = Counter("sls_pushes_sent", "IB Key notifications sent to a phone (K2).")
PUSHES_ANSWERED = Counter(
    "sls_pushes_answered", "IB Key notifications answered on the phone, by answer.", ["answer"]
)
MESSAGES_SENT = Counter(
    "sls_messages_sent",
    "Text messages and voice calls handed to the message gateway (S1, S2).",
    ["medium"],
)
PASSCODES_ISSUED = Counter(
    "sls_temporary_passcodes_issued", "Temporary passcodes issued by support (T1)."
)
WITHDRAWALS = Counter(
    "sls_withdrawals", "Withdrawals accepted or refused, by channel.", ["channel", "outcome"]
)
THROTTLE_FALLBACKS = Counter(
    "sls_throttle_fallbacks",
    "Cache operations answered without Redis, which could not be reached: throttle and "
    "code-resend counters kept by the worker itself, sessions read from the database.",
)

# Every series exists from the start at 0, so that a rate over the first event is right
# and a dashboard shows a flat line rather than no data.
for _channel in CHANNELS:
    for _outcome in LOGIN_OUTCOMES:
        LOGINS.labels(channel=_channel, outcome=_outcome)
    for _outcome in WITHDRAWAL_OUTCOMES:
        WITHDRAWALS.labels(channel=_channel, outcome=_outcome)
for _answer in PUSH_ANSWERS:
    PUSHES_ANSWERED.labels(answer=_answer)
for _medium in MEDIUMS:
    MESSAGES_SENT.labels(medium=_medium)

LOGIN_EVENTS = {
    AuditEventType.LOGIN_SUCCEEDED: "succeeded",
    AuditEventType.LOGIN_FAILED: "failed",
    AuditEventType.LOGIN_REFUSED_LOCKED: "locked",
}
PUSH_EVENTS = {
    AuditEventType.PUSH_APPROVED: "approved",
    AuditEventType.PUSH_DENIED: "denied",
    AuditEventType.PUSH_FRAUD_REPORTED: "fraud_reported",
}
WITHDRAWAL_EVENTS = {
    AuditEventType.WITHDRAWAL_ACCEPTED: "accepted",
    AuditEventType.WITHDRAWAL_REFUSED: "refused",
}


def audit_event_counted(*, event_type: str, channel: Channel, detail: Mapping[str, Any]) -> None:
    """Count an audit event just written, once its transaction commits (at once outside
    one). Event types without a counter are left alone."""
    transaction.on_commit(
        lambda: _audit_event_count(event_type=event_type, channel=channel, detail=detail)
    )


def push_sent_counted() -> None:
    """An IB Key notification was created for a phone to show; counted after commit."""
    transaction.on_commit(PUSHES_SENT.inc)


def message_sent_counted(*, medium: Literal["sms", "voice"]) -> None:
    """A text message or voice call went to the gateway. Counted at once: a provider that
    has sent it cannot take it back when the transaction around it rolls back."""
    MESSAGES_SENT.labels(medium=medium).inc()


def throttle_fallback_counted() -> None:
    """One cache operation (a throttle's count, a wait between codes, a session's copy)
    was answered by the fallback of accounts.cache because Redis could not be reached.
    Counted at once: it is a fact of the operation, not of a transaction."""
    THROTTLE_FALLBACKS.inc()


def _audit_event_count(*, event_type: str, channel: Channel, detail: Mapping[str, Any]) -> None:
    if event_type in LOGIN_EVENTS:
        outcome = LOGIN_EVENTS[AuditEventType(event_type)]
        if detail.get("reason") == "throttled":
            outcome = "throttled"
        LOGINS.labels(channel=channel, outcome=outcome).inc()
    elif event_type == AuditEventType.LOCKOUT_STARTED:
        LOCKOUTS.inc()
    elif event_type in PUSH_EVENTS:
        PUSHES_ANSWERED.labels(answer=PUSH_EVENTS[AuditEventType(event_type)]).inc()
    elif event_type == AuditEventType.PASSCODE_ISSUED:
        PASSCODES_ISSUED.inc()
    elif event_type in WITHDRAWAL_EVENTS:
        outcome = WITHDRAWAL_EVENTS[AuditEventType(event_type)]
        WITHDRAWALS.labels(channel=channel, outcome=outcome).inc()
