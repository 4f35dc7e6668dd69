"""Telling a client something outside a page flow: a portal notice and the same text by
e-mail (T6). The e-mail leaves only once the notice is committed, so a rolled-back run
sends nothing and the next run sends it once. The portal notice is the record; the
e-mail is sent at most once, after the commit."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, Notice, User
from accounts.services.audit import audit_record


def notice_send(*, user: User, subject: str, body: str, client: ClientInfo, kind: str) -> Notice:
    """A portal notice for `user`, mailed to the user's (or else the client's) address."""
    notice = Notice.objects.create(user=user, subject=subject, body=body)
    recipient = user.email
    if not recipient and user.client is not None:
        recipient = user.client.email
    if recipient:
        # robust: a mail server that is down is logged, and neither undoes the committed
        # notice nor stops the run from handling the next order.
        transaction.on_commit(
            lambda: send_mail(subject, body, None, [recipient], fail_silently=False),
            robust=True,
        )
    audit_record(
        event_type=AuditEventType.NOTICE_SENT,
        outcome=AuditOutcome.SUCCESS,
        subject=user,
        client=client,
        detail={"notice": notice.pk, "kind": kind, "emailed": bool(recipient)},
    )
    return notice


def notice_dismiss(*, user: User, notice_id: int) -> bool:
    """Mark one of the user's own notices read; someone else's id changes nothing."""
    return bool(
        Notice.objects.filter(pk=notice_id, user=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )
