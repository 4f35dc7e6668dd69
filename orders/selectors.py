"""Who may order a DSC+ from the SLS page, and what the page shows about orders (T5, E1,
KB1943): a client with equity above USD 1,000,000, or one replacing a DSC+ that is lost or
damaged or whose holder is using the online card meanwhile; never with an order open."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from accounts.dates import day_text
from accounts.models import Account, User
from devices.kinds import Kind
from devices.models import Authenticator, SecurityDevice
from orders.models import DeviceOrder

EQUITY_THRESHOLD_USD = Decimal("1000000.00")
REPLACEABLE_STATES = (Authenticator.State.LOST, Authenticator.State.DAMAGED)

NOT_A_CLIENT = "Security devices are ordered by clients' users."
ORDER_OPEN = (
    "A DSC+ you ordered on {placed} is on its way; it activates by itself on "
    "{activates}. A new order can be placed once it is active."
)
ALREADY_HELD = "You already have an active Digital Security Card+."
NOT_ELIGIBLE = (
    "A DSC+ is available to clients with account equity above USD 1,000,000, or as a "
    "replacement for a lost or damaged DSC+ (call Client Services first for a temporary "
    "passcode, then print your online security card)."
)
ONLINE_CARD_FIRST = (
    "Before ordering a replacement, print or save your online security card and log in with "
    "it (KB1943): it keeps you in for the 21 days the new card may take to arrive."
)
OTHER_CURRENCY = (
    "Your account's base currency is {currency}: Client Services can confirm whether its "
    "equity is above USD 1,000,000."
)


@dataclass(frozen=True)
class Eligibility:
    allowed: bool
    reason: str = ""
    replaces: Authenticator | None = None


def open_order(user: User) -> DeviceOrder | None:
    return (
        DeviceOrder.objects.filter(
            user=user, status__in=[DeviceOrder.Status.PLACED, DeviceOrder.Status.SHIPPED]
        )
        .select_related("authenticator")
        .first()
    )


def replaced_dsc_plus(user: User) -> Authenticator | None:
    """The user's DSC+ being replaced: one reported lost or damaged, or one the user holds
    while logging in with an online security card because it is missing (KB1943)."""
    cards = Authenticator.objects.filter(kind=Kind.DSC_PLUS, user_devices__user=user)
    reported = cards.filter(state__in=REPLACEABLE_STATES).order_by("-pk").first()
    if reported is not None:
        return reported
    on_online_card = SecurityDevice.objects.filter(
        user=user,
        authenticator__kind=Kind.ONLINE_CARD,
        authenticator__state=Authenticator.State.ACTIVE,
    ).exists()
    if on_online_card:
        return cards.filter(state=Authenticator.State.ACTIVE).order_by("-pk").first()
    return None


def dsc_plus_eligibility(user: User) -> Eligibility:
    """Whether `user` may order a DSC+ now, and if not, why in words the page can show."""
    if user.client_id is None:
        return Eligibility(False, NOT_A_CLIENT)
    order = open_order(user)
    if order is not None:
        return Eligibility(
            False,
            ORDER_OPEN.format(
                placed=day_text(order.placed_at), activates=day_text(order.auto_activate_at)
            ),
        )
    if _on_passcode_without_online_card(user):
        return Eligibility(False, ONLINE_CARD_FIRST)
    replaces = replaced_dsc_plus(user)
    if replaces is not None:
        return Eligibility(True, replaces=replaces)
    holds_one = Authenticator.objects.filter(
        kind=Kind.DSC_PLUS, state=Authenticator.State.ACTIVE, user_devices__user=user
    ).exists()
    if holds_one:
        return Eligibility(False, ALREADY_HELD)
    account = user.account
    if account.base_currency != "USD":
        return Eligibility(False, OTHER_CURRENCY.format(currency=account.base_currency))
    if account.equity > EQUITY_THRESHOLD_USD:
        return Eligibility(True)
    return Eligibility(False, NOT_ELIGIBLE)


def _on_passcode_without_online_card(user: User) -> bool:
    """A temporary passcode lasts 2 days at full access, less than a delivery may take, so
    the online card comes first (SPEC T5: ordered "after the online card is active")."""
    active_kinds = set(
        SecurityDevice.objects.filter(
            user=user,
            authenticator__state=Authenticator.State.ACTIVE,
            authenticator__kind__in=(Kind.TEMPORARY_PASSCODE, Kind.ONLINE_CARD),
        ).values_list("authenticator__kind", flat=True)
    )
    return active_kinds == {Kind.TEMPORARY_PASSCODE}


def hold_accounts(user: User) -> QuerySet[Account]:
    """The accounts of the user's own client, one of which holds the USD 20 deposit."""
    if user.client_id is None:
        return Account.objects.none()
    return Account.objects.filter(users__client_id=user.client_id).distinct().order_by("number")


def latest_order(user: User) -> DeviceOrder | None:
    return (
        DeviceOrder.objects.filter(user=user)
        .select_related("authenticator")
        .order_by("-pk")
        .first()
    )
