"""IB Key push login (K2): the password step raises a request with a 2-digit number; the
phone shows it, the user types the number and approves with PIN or biometrics, and the app
signs (request, typed number, decision) with its private key. Only a correctly signed
approval with the right number, for this login attempt, within the time limit, completes
the login, once."""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta
from typing import Literal, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.metrics import push_sent_counted
from accounts.models import AuditEvent, AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from devices import conf
from devices.ib_key.services import approval_message, approval_signature_valid
from devices.models import Authenticator, PushRequest, SecurityDevice

Decision = Literal["approve", "deny", "fraud"]
PushState = Literal["pending", "approved", "denied", "expired"]


class PushLimitReached(ValidationError):
    """G7: this login or this user has had as many push requests as the window allows;
    `wait` is how long until one more may be sent."""

    def __init__(self, wait: timedelta) -> None:
        self.wait = wait
        super().__init__(
            f"Too many notifications were sent to your phone. Wait {self.wait_text} before "
            "asking for another, or answer a challenge in the app instead: click here if "
            "you do not receive the notification."
        )

    @property
    def wait_text(self) -> str:
        minutes = max(1, math.ceil(self.wait.total_seconds() / 60))
        return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"

    @property
    def retry_after(self) -> int:
        """Whole seconds, as the Retry-After header wants them."""
        return max(1, math.ceil(self.wait.total_seconds()))


def push_create(*, device: SecurityDevice, attempt: str, client: ClientInfo) -> PushRequest:
    """The request the phone shows for this login attempt. A request still pending for
    this attempt is returned again (a reload of the page sends nothing new); otherwise a
    new one, within the bounds of G7 (PushLimitReached past them, raised after the
    transaction that audited the refusal has committed), and any request still pending
    for this device is withdrawn first."""
    push = _push_create_within_limits(device=device, attempt=attempt, client=client)
    if isinstance(push, PushLimitReached):
        raise push
    return push


@transaction.atomic
def _push_create_within_limits(
    *, device: SecurityDevice, attempt: str, client: ClientInfo
) -> PushRequest | PushLimitReached:
    now = timezone.now()
    # One row lock per user serialises the count, so parallel requests cannot overshoot.
    User.objects.select_for_update().filter(pk=device.user_id).first()
    pending = (
        PushRequest.objects.filter(
            device=device, attempt=attempt, status=PushRequest.Status.PENDING, expires_at__gt=now
        )
        .order_by("-created_at")
        .first()
    )
    if pending is not None:
        return pending
    refusal = _push_limit_check(device=device, attempt=attempt, now=now, client=client)
    if refusal is not None:
        return refusal
    PushRequest.objects.filter(device=device, status=PushRequest.Status.PENDING).update(
        expires_at=now
    )
    push_sent_counted()
    return PushRequest.objects.create(
        device=device,
        attempt=attempt,
        number=f"{10 + secrets.randbelow(90)}",
        created_at=now,
        expires_at=now + conf.PUSH_TTL,
        ip_address=client.ip_address,
        user_agent=client.user_agent,
    )


def _push_limit_check(
    *, device: SecurityDevice, attempt: str, now: datetime, client: ClientInfo
) -> PushLimitReached | None:
    """A PushLimitReached when this attempt or this user has used up its pushes in the
    window. The first refusal after the last push sent is audited; the reloads that
    follow it are not, so a bombing leaves one event, not one per reload."""
    since = now - conf.PUSH_LIMIT_WINDOW
    recent = PushRequest.objects.filter(device__user_id=device.user_id, created_at__gt=since)
    waits = []
    for scope, rows, limit in (
        ("attempt", recent.filter(attempt=attempt), conf.PUSH_LIMIT_PER_ATTEMPT),
        ("user", recent, conf.PUSH_LIMIT_PER_USER),
    ):
        times = list(rows.order_by("-created_at").values_list("created_at", flat=True)[:limit])
        if len(times) >= limit:
            # One more may go once the oldest of the last `limit` leaves the window.
            waits.append((times[-1] + conf.PUSH_LIMIT_WINDOW - now, scope))
    if not waits:
        return None
    wait, scope = max(waits)
    last_sent = recent.order_by("-created_at").values_list("created_at", flat=True).first()
    already = AuditEvent.objects.filter(
        event_type=AuditEventType.PUSH_LIMIT_REACHED, subject_id=device.user_id, at__gte=last_sent
    ).exists()
    if not already:
        audit_record(
            event_type=AuditEventType.PUSH_LIMIT_REACHED,
            outcome=AuditOutcome.FAILURE,
            subject=device.user,
            actor=device.user,
            client=client,
            detail={
                "serial": device.authenticator.serial,
                "limit": scope,
                "per_attempt": conf.PUSH_LIMIT_PER_ATTEMPT,
                "per_user": conf.PUSH_LIMIT_PER_USER,
                "window_minutes": conf.PUSH_LIMIT_WINDOW // timedelta(minutes=1),
                "wait_seconds": math.ceil(wait.total_seconds()),
            },
        )
    return PushLimitReached(wait)


def push_pending_for_installation(installation_id: str) -> list[PushRequest]:
    """What the app shows: live requests for the users registered in this installation."""
    return list(
        PushRequest.objects.filter(
            device__authenticator__app_installation=installation_id,
            device__authenticator__state=Authenticator.State.ACTIVE,
            device__confirmed=True,
            status=PushRequest.Status.PENDING,
            expires_at__gt=timezone.now(),
        )
        .select_related("device__user")
        .order_by("-created_at")
    )


@transaction.atomic
def push_decide(
    *,
    push_id: int,
    installation_id: str,
    typed_number: str,
    decision: Decision,
    method: str,
    signature: str,
    client: ClientInfo,
) -> PushRequest:
    """Record the phone's decision. A wrong number denies the request; "I'm not logging
    in" denies it and files a fraud report."""
    push = (
        PushRequest.objects.select_for_update()
        .select_related("device__authenticator", "device__user")
        .filter(pk=push_id, device__authenticator__app_installation=installation_id)
        .first()
    )
    if push is None:
        raise ValidationError("There is no such request for this app.")
    if push.status != PushRequest.Status.PENDING:
        raise ValidationError("This request was already answered.")
    now = timezone.now()
    if now >= push.expires_at:
        raise ValidationError("This request has expired.")
    message = approval_message(push_id=push.pk, number=typed_number, decision=decision)
    if decision not in ("approve", "deny", "fraud") or not approval_signature_valid(
        public_key_pem=push.device.authenticator.public_key, message=message, signature=signature
    ):
        raise ValidationError("The app's signature does not match this decision.")
    approved = (
        decision == "approve"
        and typed_number == push.number
        and method in PushRequest.Method.values
    )
    push.status = PushRequest.Status.APPROVED if approved else PushRequest.Status.DENIED
    push.method = method if approved else ""
    push.fraud_reported = decision == "fraud"
    push.signature = signature
    push.decided_at = now
    push.save(update_fields=["status", "method", "fraud_reported", "signature", "decided_at"])
    _audit_decision(push, decision, typed_number, client)
    return push


def push_state(*, user: User, push_id: int, attempt: str) -> PushState:
    """What the waiting login page polls."""
    push = PushRequest.objects.filter(pk=push_id, device__user=user, attempt=attempt).first()
    if push is None:
        return "denied"
    if push.status == PushRequest.Status.PENDING and timezone.now() >= push.expires_at:
        return "expired"
    return cast(PushState, push.status)


def push_approval_lock(*, user_id: int, push_id: int, attempt: str) -> PushRequest | None:
    """The request `push_id` of this login attempt, device, card and user loaded, locked
    until the end of the caller's transaction (the gate's)."""
    return (
        PushRequest.objects.select_for_update(of=("self",))
        .select_related("device__authenticator", "device__user")
        .filter(pk=push_id, device__user_id=user_id, device__confirmed=True, attempt=attempt)
        .first()
    )


def push_approval_take(push: PushRequest, *, at: datetime) -> bool:
    """Consume an approved request that completes its login; False when it was denied,
    expired, already used, or its signature no longer verifies."""
    if not _usable(push):
        return False
    push.consumed_at = at
    push.save(update_fields=["consumed_at"])
    return True


def _usable(push: PushRequest) -> bool:
    """Approved in time, not yet used, and the stored signature still verifies."""
    return (
        push.status == PushRequest.Status.APPROVED
        and push.consumed_at is None
        and push.decided_at is not None
        and push.decided_at < push.expires_at
        and push.device.authenticator.state == Authenticator.State.ACTIVE
        and approval_signature_valid(
            public_key_pem=push.device.authenticator.public_key,
            message=approval_message(push_id=push.pk, number=push.number, decision="approve"),
            signature=push.signature,
        )
    )


def _audit_decision(
    push: PushRequest, decision: str, typed_number: str, client: ClientInfo
) -> None:
    if push.status == PushRequest.Status.APPROVED:
        event_type, outcome = AuditEventType.PUSH_APPROVED, AuditOutcome.SUCCESS
    elif decision == "fraud":
        event_type, outcome = AuditEventType.PUSH_FRAUD_REPORTED, AuditOutcome.FAILURE
    else:
        event_type, outcome = AuditEventType.PUSH_DENIED, AuditOutcome.FAILURE
    audit_record(
        event_type=event_type,
        outcome=outcome,
        subject=push.device.user,
        actor=push.device.user,
        client=client,
        detail={
            "push": push.pk,
            "number_matched": typed_number == push.number,
            "method": push.method,
            "login_ip": push.ip_address,
        },
    )
