"""Mobile numbers on record (G2): where a user without a permanent device may receive an
activation code. A number is on record when the account application gave it
(`Client.mobile_number`) or an earlier SMS enrolment confirmed it (an SMS device of the
user's that was not reported lost). A number typed by someone who knows only the password
is neither."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from devices.assurance import Action
from devices.kinds import kind_codes
from devices.kinds.sms import masked
from devices.models import Authenticator, SecurityDevice

CALL_CLIENT_SERVICES = (
    "We have no mobile number on record for you, so a code cannot be sent without an "
    "answer from a permanent security device. Please call Client Services: they confirm "
    "your identity and record your mobile number."
)


def numbers_on_record(user: User) -> list[str]:
    """The user's mobile numbers on record (E.164), the application's first."""
    numbers = []
    client = user.client
    if client is not None and client.mobile_number:
        numbers.append(client.mobile_number)
    sms_numbers = (
        SecurityDevice.objects.filter(
            user=user,
            confirmed=True,
            authenticator__kind__in=kind_codes(lambda kind: "phone_number" in kind.columns),
        )
        .exclude(authenticator__state=Authenticator.State.LOST)
        .exclude(authenticator__phone_number="")
        .order_by("pk")
        .values_list("authenticator__phone_number", flat=True)
    )
    numbers.extend(number for number in sms_numbers if number not in numbers)
    return numbers


def numbers_on_record_masked(user: User) -> list[str]:
    """The numbers on record as the user may see them (last four digits)."""
    return [masked(number) for number in numbers_on_record(user)]


def number_on_record_require(
    *, user: User, phone_number: str, action: Action, client: ClientInfo
) -> None:
    """Refuse, and audit, a number that is not on record. Call it outside any transaction
    that the refusal rolls back, so the audit event stays."""
    numbers = numbers_on_record(user)
    if phone_number in numbers:
        return
    activation_refusal_audit(
        user=user,
        action=action,
        reason="number_not_on_record" if numbers else "no_number_on_record",
        client=client,
    )
    if not numbers:
        raise ValidationError(CALL_CLIENT_SERVICES, code="no_number_on_record")
    raise ValidationError(
        "Without a permanent security device, the code can only go to your mobile number "
        f"on record ({', '.join(masked(number) for number in numbers)}). To use another "
        "number, call Client Services.",
        code="number_not_on_record",
    )


def activation_refusal_audit(
    *, user: User, action: Action, reason: str, client: ClientInfo
) -> None:
    """`device.activation_refused`: a new device or number that nothing proved (G2)."""
    audit_record(
        event_type=AuditEventType.ACTIVATION_REFUSED,
        outcome=AuditOutcome.FAILURE,
        subject=user,
        actor=user,
        client=client,
        detail={"step": action.value, "reason": reason},
    )
