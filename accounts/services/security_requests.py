"""The Security Team's queue (O3, G4): changes an opted-out client, or a client holding no
permanent device, asked for wait here until a member of the team has called the client,
then are approved (and applied) or rejected. Applying lives here too, so that
self-service and approval change rows the same way."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accounts.bank_validators import compact
from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, BankInstruction, SecurityTeamRequest, User
from accounts.services.addresses import Address, address_apply
from accounts.services.audit import audit_record

DECIDE_PERMISSION = "accounts.decide_securityteamrequest"
NOTE_MAX_LENGTH = 500
NOT_AN_ACCOUNT_USER = "Only clients' users change these details here."


@dataclass(frozen=True)
class BankDetails:
    bank_name: str
    account_holder: str
    routing_number: str
    account_number: str

    @classmethod
    def cleaned(cls, **values: str) -> BankDetails:
        """Trimmed, numbers compacted, and checked as a bank instruction row would be."""
        details = cls(
            bank_name=values["bank_name"].strip(),
            account_holder=values["account_holder"].strip(),
            routing_number=compact(values["routing_number"]),
            account_number=compact(values["account_number"]),
        )
        BankInstruction(account_id=0, **asdict(details)).full_clean(exclude=["account"])
        return details


@transaction.atomic
def security_request_approve(
    *, request: SecurityTeamRequest, agent: User, client: ClientInfo, note: str = ""
) -> SecurityTeamRequest:
    """The client confirmed the change by phone: apply it as it was asked for."""
    request = _pending_locked(request, agent)
    user, payload = request.user, request.payload
    if request.kind == SecurityTeamRequest.Kind.BANK_INSTRUCTIONS:
        bank_instructions_apply(
            user=user, details=BankDetails(**payload), actor=agent, client=client
        )
    elif request.kind == SecurityTeamRequest.Kind.ADDRESS:
        address_apply(user=user, address=Address(**payload), actor=agent, client=client)
    else:
        email_apply(user=user, email=payload["email"], actor=agent, client=client)
    return _decide(request, SecurityTeamRequest.Status.APPROVED, agent, client, note)


@transaction.atomic
def security_request_reject(
    *, request: SecurityTeamRequest, agent: User, client: ClientInfo, note: str = ""
) -> SecurityTeamRequest:
    """The client could not be reached or did not confirm: nothing is applied."""
    request = _pending_locked(request, agent)
    return _decide(request, SecurityTeamRequest.Status.REJECTED, agent, client, note)


def bank_instructions_apply(
    *, user: User, details: BankDetails, actor: User, client: ClientInfo
) -> BankInstruction:
    """Write the account's bank instructions; callers hold the transaction."""
    if user.account_id is None:
        raise ValidationError(NOT_AN_ACCOUNT_USER)
    now = timezone.now()
    instruction, _ = BankInstruction.objects.update_or_create(
        account_id=user.account_id,
        defaults={**asdict(details), "updated_at": now},
        create_defaults={**asdict(details), "created_at": now, "updated_at": now},
    )
    audit_record(
        event_type=AuditEventType.BANK_INSTRUCTIONS_CHANGED,
        outcome=AuditOutcome.SUCCESS,
        subject=user,
        actor=actor,
        client=client,
        detail={"bank_name": details.bank_name, "account_last4": details.account_number[-4:]},
    )
    return instruction


def email_apply(*, user: User, email: str, actor: User, client: ClientInfo) -> User:
    """Write the user's e-mail address; callers hold the transaction."""
    validate_email(email)
    user = User.objects.select_for_update().get(pk=user.pk)
    previous = user.email
    user.email = email
    user.save(update_fields=["email"])
    audit_record(
        event_type=AuditEventType.EMAIL_CHANGED,
        outcome=AuditOutcome.SUCCESS,
        subject=user,
        actor=actor,
        client=client,
        detail={"had_email": bool(previous)},
    )
    return user


def _pending_locked(request: SecurityTeamRequest, agent: User) -> SecurityTeamRequest:
    if not agent.has_perm(DECIDE_PERMISSION):
        raise PermissionDenied("Only the Security Team decides these requests.")
    request = (
        SecurityTeamRequest.objects.select_for_update().select_related("user").get(pk=request.pk)
    )
    if request.status != SecurityTeamRequest.Status.PENDING:
        raise ValidationError(f"This request was already {request.get_status_display().lower()}.")
    return request


def _decide(
    request: SecurityTeamRequest,
    status: SecurityTeamRequest.Status,
    agent: User,
    client: ClientInfo,
    note: str,
) -> SecurityTeamRequest:
    request.status = status
    request.decided_at = timezone.now()
    request.decided_by = agent
    request.decision_note = note.strip()[:NOTE_MAX_LENGTH]
    request.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    approved = status == SecurityTeamRequest.Status.APPROVED
    audit_record(
        event_type=(
            AuditEventType.SECURITY_REQUEST_APPROVED
            if approved
            else AuditEventType.SECURITY_REQUEST_REJECTED
        ),
        outcome=AuditOutcome.SUCCESS,
        subject=request.user,
        actor=agent,
        client=client,
        detail={"request": request.pk, "kind": request.kind, "note": request.decision_note},
    )
    return request
