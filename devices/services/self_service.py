"""Bank instructions, e-mail and address-of-record changes made by the client (O3, G4,
KB1131): applied at once for an enrolled account, after a fresh answer from a permanent
device; for an opted-out account the same answer only queues a bank or e-mail change for
the Security Team, who call the client first. A user who holds no permanent device (the
card is lost: only a temporary passcode or online card) cannot approve these at all (the
assurance table, G1): the change is queued for the Security Team, and the address of
record is told by e-mail."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction

from accounts.client_info import ClientInfo
from accounts.models import Account, AuditEventType, AuditOutcome, SecurityTeamRequest, User
from accounts.permissions import Feature, account_permissions
from accounts.services.addresses import NOT_A_CLIENT, Address, address_apply, address_check
from accounts.services.audit import audit_record
from accounts.services.notifications import SecurityEmail, security_email_send
from accounts.services.security_requests import (
    NOT_AN_ACCOUNT_USER,
    BankDetails,
    bank_instructions_apply,
    email_apply,
)
from accounts.services.security_settings import NOT_PRIMARY
from devices.assurance import Action
from devices.flows.device_step import step_devices
from devices.services.fresh_factor import FreshFactor, fresh_factor_require

ALREADY_PENDING = "A change of your {what} is already waiting for the Security Team."


@dataclass(frozen=True)
class ChangeOutcome:
    """Either applied now, or queued as `request`."""

    applied: bool
    request: SecurityTeamRequest | None = None


@transaction.atomic
def bank_instructions_change(
    *, user: User, details: BankDetails, fresh_factor: FreshFactor | None, client: ClientInfo
) -> ChangeOutcome:
    """New bank instructions for the account; its primary user alone may give them, as
    they decide where the account's money goes (O1)."""
    action = Action.CHANGE_BANK_INSTRUCTIONS
    self_service = change_route(user=user, action=action, fresh_factor=fresh_factor)
    account = _locked_account(user)
    if account.primary_user_id != user.pk:
        raise PermissionDenied(NOT_PRIMARY)
    if self_service and account_permissions(account).allows(Feature.BANK_INSTRUCTIONS_SELF_SERVICE):
        bank_instructions_apply(user=user, details=details, actor=user, client=client)
        return ChangeOutcome(applied=True)
    kind = SecurityTeamRequest.Kind.BANK_INSTRUCTIONS
    return ChangeOutcome(
        applied=False, request=_queue(user, account, kind, asdict(details), client)
    )


@transaction.atomic
def email_change(
    *, user: User, email: str, fresh_factor: FreshFactor | None, client: ClientInfo
) -> ChangeOutcome:
    """A new e-mail address for this user (each user keeps its own)."""
    self_service = change_route(user=user, action=Action.CHANGE_EMAIL, fresh_factor=fresh_factor)
    validate_email(email)
    account = _locked_account(user)
    if self_service and account_permissions(account).allows(Feature.EMAIL_SELF_SERVICE):
        email_apply(user=user, email=email, actor=user, client=client)
        return ChangeOutcome(applied=True)
    kind = SecurityTeamRequest.Kind.EMAIL
    return ChangeOutcome(
        applied=False, request=_queue(user, account, kind, {"email": email}, client)
    )


@transaction.atomic
def client_address_change(
    *, user: User, address: Address, fresh_factor: FreshFactor | None, client: ClientInfo
) -> ChangeOutcome:
    """A new address of record for the user's client, where a replacement device ships
    (G4): applied after a fresh answer from a permanent device; queued for the Security
    Team, who call the client first, when the user holds none (a lost card: only a
    temporary passcode or online card). Either way the address is checked first."""
    self_service = change_route(user=user, action=Action.CHANGE_ADDRESS, fresh_factor=fresh_factor)
    if user.client_id is None:
        raise ValidationError(NOT_A_CLIENT)
    address_check(address)
    account = _locked_account(user)
    if self_service:
        address_apply(user=user, address=address, actor=user, client=client)
        return ChangeOutcome(applied=True)
    kind = SecurityTeamRequest.Kind.ADDRESS
    return ChangeOutcome(
        applied=False, request=_queue(user, account, kind, asdict(address), client)
    )


def change_route(*, user: User, action: Action, fresh_factor: FreshFactor | None) -> bool:
    """True when the change may be made by the client (after a fresh answer for `action`
    from a device the assurance table allows); False when it goes to the Security Team
    because no device of the user may approve it, the only way left for a client whose
    permanent device is lost (G1, O3)."""
    if not step_devices(user, action):
        return False
    fresh_factor_require(fresh_factor, user=user, action=action)
    return True


def _locked_account(user: User) -> Account:
    account = None
    if user.account_id is not None:
        account = Account.objects.select_for_update().filter(pk=user.account_id).first()
    if account is None:
        raise PermissionDenied(NOT_AN_ACCOUNT_USER)
    return account


def _queue(
    user: User,
    account: Account,
    kind: SecurityTeamRequest.Kind,
    payload: dict[str, str],
    client: ClientInfo,
) -> SecurityTeamRequest:
    """One waiting request per user and kind; the user row lock orders two submissions."""
    User.objects.select_for_update().get(pk=user.pk)
    pending = SecurityTeamRequest.objects.filter(
        user=user, kind=kind, status=SecurityTeamRequest.Status.PENDING
    )
    if pending.exists():
        what = SecurityTeamRequest.Kind(kind).label.lower()
        raise ValidationError(ALREADY_PENDING.format(what=what))
    request = SecurityTeamRequest.objects.create(
        kind=kind, user=user, account=account, payload=payload
    )
    audit_record(
        event_type=AuditEventType.SECURITY_REQUEST_QUEUED,
        outcome=AuditOutcome.SUCCESS,
        subject=user,
        actor=user,
        client=client,
        detail={"request": request.pk, "kind": kind, "account": account.number},
    )
    security_email_send(
        user=user,
        event=SecurityEmail.CHANGE_QUEUED,
        client=client,
        what=SecurityTeamRequest.Kind(kind).label.lower(),
    )
    return request
