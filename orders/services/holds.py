"""The USD 20 deposit held against an account for each ordered DSC+ (T7, KB1943 note 2,
KB1861): released when the card comes back, kept when it is lost, stolen or damaged.

A card reported lost or damaged has its deposit kept at once. If such a card is later
returned after all, the hardware is back, so the return releases the deposit again: a
defective card sent back (KB975) costs nothing. Callers run these inside their own
transaction, with the card's row already locked.
"""

from __future__ import annotations

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from devices.models import Authenticator
from orders.models import DeviceOrder


def hold_keep(
    *, authenticator: Authenticator, reason: str, actor: User | None, client: ClientInfo
) -> int:
    """Keep the deposit of the order that shipped `authenticator`; the number of holds kept."""
    return _settle(
        authenticator,
        from_states=(DeviceOrder.Hold.HELD,),
        to=DeviceOrder.Hold.KEPT,
        event_type=AuditEventType.HOLD_KEPT,
        reason=reason,
        actor=actor,
        client=client,
    )


def hold_release(
    *, authenticator: Authenticator, reason: str, actor: User | None, client: ClientInfo
) -> int:
    """Release the deposit of the order that shipped `authenticator`, now that it is back."""
    return _settle(
        authenticator,
        from_states=(DeviceOrder.Hold.HELD, DeviceOrder.Hold.KEPT),
        to=DeviceOrder.Hold.RELEASED,
        event_type=AuditEventType.HOLD_RELEASED,
        reason=reason,
        actor=actor,
        client=client,
    )


def _settle(
    authenticator: Authenticator,
    *,
    from_states: tuple[DeviceOrder.Hold, ...],
    to: DeviceOrder.Hold,
    event_type: AuditEventType,
    reason: str,
    actor: User | None,
    client: ClientInfo,
) -> int:
    orders = DeviceOrder.objects.select_for_update().filter(
        authenticator=authenticator, hold__in=from_states
    )
    settled = 0
    for order in orders.select_related("user", "hold_account"):
        order.hold = to
        order.hold_reason = reason
        order.save(update_fields=["hold", "hold_reason"])
        audit_record(
            event_type=event_type,
            outcome=AuditOutcome.SUCCESS,
            subject=order.user,
            actor=actor,
            client=client,
            detail={
                "order": order.pk,
                "serial": authenticator.serial,
                "account": order.hold_account.number,
                "amount": str(order.hold_amount),
                "reason": reason,
            },
        )
        settled += 1
    return settled
