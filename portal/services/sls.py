"""Opting out of the Secure Login System and back in (O1, O2, L6; KB2545, KB1198).

Opting out weakens the account, so it needs the primary user and a fresh answer from the
device; opting back in only strengthens it, so the primary user's choice is enough.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.client_info import ClientInfo
from accounts.models import Account, AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from accounts.services.notifications import SecurityEmail, security_email_send
from accounts.services.security_settings import NOT_PRIMARY
from devices.assurance import Action
from devices.services.fresh_factor import FreshFactor, fresh_factor_require


@transaction.atomic
def sls_opt_out(*, user: User, fresh_factor: FreshFactor | None, client: ClientInfo) -> Account:
    """ "Secure Login not required for trading": the trading platform then logs in with
    the password alone (L6) and the account loses what enrolment buys (O3)."""
    fresh_factor_require(fresh_factor, user=user, action=Action.OPT_OUT)
    account = _account_of_primary(user)
    if not account.sls_opted_out:
        account.sls_opted_out = True
        account.save(update_fields=["sls_opted_out"])
        _audit(AuditEventType.SLS_OPTED_OUT, user, account, client)
        security_email_send(user=user, event=SecurityEmail.OPTED_OUT, client=client)
    return account


@transaction.atomic
def sls_opt_in(*, user: User, client: ClientInfo) -> Account:
    """ "I want to always use my Secure Login Device when logging in" (O2)."""
    account = _account_of_primary(user)
    if account.sls_opted_out:
        account.sls_opted_out = False
        account.save(update_fields=["sls_opted_out"])
        _audit(AuditEventType.SLS_OPTED_IN, user, account, client)
    return account


def _account_of_primary(user: User) -> Account:
    """The user's account, locked, if `user` is its primary user (O1); else refused."""
    account = None
    if user.account_id is not None:
        account = Account.objects.select_for_update().filter(pk=user.account_id).first()
    if account is None or account.primary_user_id != user.pk:
        raise PermissionDenied(NOT_PRIMARY)
    return account


def _audit(event_type: AuditEventType, user: User, account: Account, client: ClientInfo) -> None:
    audit_record(
        event_type=event_type,
        outcome=AuditOutcome.SUCCESS,
        subject=user,
        actor=user,
        client=client,
        detail={"account": account.number},
    )
