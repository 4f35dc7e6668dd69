"""Sharing one card between users of one person or entity (H1-H5, KB2481).

The requester proves the owner's password (`share_owner_check`, counted against the
owner's lockout, L3) and the owner's card (the gate's `step_answer` with the owner as the
user, so a wrong answer counts against the owner too and D2 holds); then `share_request`
checks H1 again under row locks and either approves at once or leaves the share pending
for Compliance (H3). Approving gives the requester a device on the card and sets the
requester's other devices aside; cancelling undoes exactly that (H5).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from accounts.services.login import login_password_check
from accounts.services.notifications import SecurityEmail, security_email_send
from devices.models import Authenticator, DeviceShare, SecurityDevice
from devices.sharing.rules import (
    ALREADY_OPEN,
    FOR_ONESELF,
    OPEN_STATUSES,
    Refusal,
    ShareRefused,
    redundant_devices,
    requester_refusal,
    share_needs_review,
    share_refusal,
)

NOTHING_TO_GO_BACK_TO = (
    "Cancelling would leave you without a security device. Call Client Services to have "
    "a device of your own issued first."
)
NOT_PENDING = "Only a pending share can be approved or rejected."
REASON_REQUIRED = "Give the reason for the decision."
AUTOMATIC = "Approved at once: both users belong to one person or entity (H3)."


def share_owner_check(
    *, requester: User, username: str, password: str, client: ClientInfo
) -> User | None:
    """The device owner named by the requester, or None for a wrong user name or password
    (the same answer for both, L2). A wrong password counts against the owner (L3)."""
    if username == requester.username:
        refusal = Refusal("for_oneself", FOR_ONESELF)
        _refusal_record(requester, refusal, client, owner=requester)
        raise ShareRefused(refusal)
    return login_password_check(username=username, password=password, client=client).user


def share_start_check(*, requester: User, client: ClientInfo) -> None:
    """Before the wizard asks anything: an IB Key user is refused at once and pointed to
    the app's "Add user" (K3)."""
    refusal = requester_refusal(requester)
    if refusal is not None:
        _refusal_record(requester, refusal, client, owner=None)
        raise ShareRefused(refusal)


def share_check(
    *, requester: User, owner: User, authenticator: Authenticator, client: ClientInfo
) -> None:
    """Refuse early, before the card is asked, when H1 already rules the share out."""
    refusal = share_refusal(
        requester=requester, owner=owner, authenticator=authenticator, at=timezone.now()
    )
    if refusal is not None:
        _refusal_record(requester, refusal, client, owner=owner, authenticator=authenticator)
        raise ShareRefused(refusal)


def share_request(
    *, requester: User, owner: User, authenticator: Authenticator, client: ClientInfo
) -> DeviceShare:
    """Record the share once the owner's password and card are proven: approved at once,
    or pending Compliance (H3). Raises ShareRefused, recorded in the trail, otherwise."""
    try:
        with transaction.atomic():
            return _share_create(requester, owner, authenticator, client)
    except ShareRefused as refused:
        _refusal_record(
            requester, refused.refusal, client, owner=owner, authenticator=authenticator
        )
        raise


@transaction.atomic
def share_approve(*, share: DeviceShare, actor: User, reason: str, client: ClientInfo) -> None:
    """Compliance approves a pending share; H1 is checked again, things may have moved."""
    share = _locked_pending(share, reason)
    refusal = share_refusal(
        requester=share.requester,
        owner=share.owner,
        authenticator=share.authenticator,
        at=timezone.now(),
    )
    if refusal is not None:
        raise ValidationError(f"The share no longer meets H1: {refusal.message}")
    _approve(share, actor=actor, reason=reason, client=client, decided_by=actor)


@transaction.atomic
def share_reject(*, share: DeviceShare, actor: User, reason: str, client: ClientInfo) -> None:
    """Compliance rejects a pending share; nothing had changed for the requester yet."""
    share = _locked_pending(share, reason)
    share.status = DeviceShare.Status.REJECTED
    share.decided_at = timezone.now()
    share.decided_by = actor
    share.reason = reason
    share.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    _audit(AuditEventType.SHARE_REJECTED, share, actor, client, reason=reason)


@transaction.atomic
def share_cancel(*, share: DeviceShare, requester: User, client: ClientInfo) -> int | None:
    """The requester ends a pending or approved share: the card's device for the requester
    goes and the devices set aside come back (H5). Returns the removed device's id."""
    _lock_users(share.requester_id, share.owner_id)
    share = DeviceShare.objects.select_for_update().get(pk=share.pk, requester=requester)
    if share.status not in OPEN_STATUSES:
        raise ValidationError("This share is not open any more.")
    removed = None
    reactivated: list[str] = []
    if share.status == DeviceShare.Status.APPROVED:
        kept = list(share.deactivated_devices.select_related("authenticator"))
        if not any(d.authenticator.state == Authenticator.State.ACTIVE for d in kept):
            raise ValidationError(NOTHING_TO_GO_BACK_TO)
        SecurityDevice.objects.filter(pk__in=[d.pk for d in kept]).update(confirmed=True)
        reactivated = [d.authenticator.serial for d in kept]
        shared = SecurityDevice.objects.filter(user=requester, authenticator=share.authenticator)
        removed = shared.values_list("pk", flat=True).first()
        shared.delete()
    share.status = DeviceShare.Status.CANCELLED
    share.cancelled_at = timezone.now()
    share.save(update_fields=["status", "cancelled_at"])
    _audit(AuditEventType.SHARE_CANCELLED, share, requester, client, reactivated=reactivated)
    return removed


def _share_create(
    requester: User, owner: User, authenticator: Authenticator, client: ClientInfo
) -> DeviceShare:
    requester, owner = _lock_users(requester.pk, owner.pk)
    authenticator = Authenticator.objects.select_for_update().get(pk=authenticator.pk)
    if DeviceShare.objects.filter(requester=requester, status__in=OPEN_STATUSES).exists():
        raise ShareRefused(Refusal("already_open", ALREADY_OPEN))
    refusal = share_refusal(
        requester=requester, owner=owner, authenticator=authenticator, at=timezone.now()
    )
    if refusal is not None:
        raise ShareRefused(refusal)
    try:
        with transaction.atomic():
            share = DeviceShare.objects.create(
                requester=requester, owner=owner, authenticator=authenticator
            )
    except IntegrityError as exc:
        raise ShareRefused(Refusal("already_open", ALREADY_OPEN)) from exc
    review = share_needs_review(requester=requester, owner=owner)
    _audit(AuditEventType.SHARE_REQUESTED, share, requester, client, review=review)
    if not review:
        _approve(share, actor=requester, reason=AUTOMATIC, client=client, decided_by=None)
    return share


def _approve(
    share: DeviceShare,
    *,
    actor: User,
    reason: str,
    client: ClientInfo,
    decided_by: User | None,
) -> None:
    redundant = redundant_devices(share.requester, share.authenticator)
    SecurityDevice.objects.filter(pk__in=[d.pk for d in redundant]).update(confirmed=False)
    share.deactivated_devices.set(redundant)
    SecurityDevice.objects.create(
        user=share.requester,
        authenticator=share.authenticator,
        name=str(share.authenticator),
        confirmed=True,
    )
    share.status = DeviceShare.Status.APPROVED
    share.decided_at = timezone.now()
    share.decided_by = decided_by
    share.reason = reason
    share.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    _audit(
        AuditEventType.SHARE_APPROVED,
        share,
        actor,
        client,
        reason=reason,
        deactivated=[d.authenticator.serial for d in redundant],
    )
    device = str(share.authenticator)
    security_email_send(
        user=share.requester, event=SecurityEmail.DEVICE_ADDED, client=client, device=device
    )
    security_email_send(
        user=share.owner,
        event=SecurityEmail.DEVICE_SHARED,
        client=client,
        device=device,
        other=share.requester.username,
    )


def _locked_pending(share: DeviceShare, reason: str) -> DeviceShare:
    if not reason.strip():
        raise ValidationError(REASON_REQUIRED)
    _lock_users(share.requester_id, share.owner_id)
    share = (
        DeviceShare.objects.select_for_update(of=("self",))
        .select_related("requester__client", "owner__client", "authenticator")
        .get(pk=share.pk)
    )
    if share.status != DeviceShare.Status.PENDING:
        raise ValidationError(NOT_PENDING)
    # The card's row too, as share_request locks it: one decision about a card at a time.
    Authenticator.objects.select_for_update().get(pk=share.authenticator_id)
    return share


def _lock_users(*user_ids: int) -> list[User]:
    """Both users' rows, locked in id order so that two shares never deadlock."""
    users = {
        user.pk: user
        for user in User.objects.select_for_update(of=("self",))
        .select_related("client")
        .filter(pk__in=user_ids)
        .order_by("pk")
    }
    return [users[pk] for pk in user_ids]


def _audit(
    event_type: AuditEventType,
    share: DeviceShare,
    actor: User,
    client: ClientInfo,
    **detail: object,
) -> None:
    """One event for the requester and one for the owner: both see their card's use."""
    for subject in (share.requester, share.owner):
        audit_record(
            event_type=event_type,
            outcome=AuditOutcome.SUCCESS,
            subject=subject,
            actor=actor,
            client=client,
            detail={
                "share": share.pk,
                "requester": share.requester.username,
                "owner": share.owner.username,
                "serial": share.authenticator.serial,
                **detail,
            },
        )


def _refusal_record(
    requester: User,
    refusal: Refusal,
    client: ClientInfo,
    *,
    owner: User | None,
    authenticator: Authenticator | None = None,
) -> None:
    audit_record(
        event_type=AuditEventType.SHARE_REFUSED,
        outcome=AuditOutcome.FAILURE,
        subject=requester,
        actor=requester,
        client=client,
        detail={
            "reason": refusal.code,
            "owner": owner.username if owner else "",
            "serial": authenticator.serial if authenticator else "",
        },
    )
