"""Order tickets on the trading channel (O3). The platform is a simulation: a ticket is
checked against what the account may trade, recorded and audited, and sent nowhere.

What an account may trade comes from `accounts.permissions.account_permissions`, the one
answer every channel uses: an account opted out of the Secure Login System cannot trade
Pink Sheet or OTCBB stocks (KB2545, KB1198)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.client_info import ClientInfo
from accounts.models import Account, AuditEventType, AuditOutcome
from accounts.permissions import Market, account_permissions
from accounts.services.audit import audit_record
from trading import conf
from trading.errors import TradingError
from trading.models import MARKET_LABELS, OrderSide, OrderTicket, TradingSession

# ASCII digits only ([0-9], not \d, which takes other scripts' digits); no sign, exponent,
# NaN or Infinity can pass, so only exact decimals reach the ticket.
PRICE_PATTERN = re.compile(r"[0-9]{1,7}(?:\.[0-9]{1,4})?")
PRICE_FORMAT = (
    f"Enter the limit price as a string of digits with at most four decimals, between "
    f'0.0001 and {conf.ORDER_MAX_LIMIT_PRICE:,.4f}, such as "12.50"; leave it out for a '
    f"market order."
)
OPT_IN_STEPS = (
    "To trade them, the account's primary user opts back in: Client Portal, Settings → "
    'Secure Login System → the gear of "Secure Login Settings" → "I want to always use '
    'my Secure Login Device when logging in" → Continue. Then log in to the trading '
    "platform again with your security device."
)


def limit_price_parse(text: str | None) -> Decimal | None:
    """A limit price sent as a string, as an exact Decimal; None for a market order."""
    if text is None:
        return None
    if not PRICE_PATTERN.fullmatch(text):
        raise ValidationError(PRICE_FORMAT, code="price_format")
    price = Decimal(text)
    if not Decimal("0.0001") <= price <= conf.ORDER_MAX_LIMIT_PRICE:
        raise ValidationError(PRICE_FORMAT, code="price_format")
    return price


def market_not_allowed(market: Market, account: Account) -> TradingError:
    """O3: the reason is the opt-out, so the answer says so and how to undo it."""
    return TradingError(
        403,
        "market_not_allowed",
        f"{MARKET_LABELS[market]} orders are not allowed: account {account.number} is opted "
        f'out of the Secure Login System ("Secure Login not required for trading"), and '
        f"opted-out accounts cannot trade Pink Sheet or OTCBB stocks. {OPT_IN_STEPS}",
    )


def no_account() -> TradingError:
    return TradingError(403, "no_account", "This user holds no account to trade for.")


def order_ticket_place(
    *,
    session: TradingSession,
    symbol: str,
    market: Market,
    side: OrderSide,
    quantity: int,
    limit_price: Decimal | None,
    client: ClientInfo,
) -> OrderTicket:
    """Record an order ticket of the session's account, or refuse one the account may not
    trade (audited either way). Nothing is routed to a market: this is a simulation."""
    user = session.user
    account = user.account
    if account is None:
        raise no_account()
    if not 1 <= quantity <= conf.ORDER_MAX_QUANTITY:
        raise ValidationError("The quantity is out of range.", code="quantity_range")
    symbol = symbol.upper()
    detail = {
        "account": account.number,
        "session": session.pk,
        "symbol": symbol,
        "market": market.value,
        "side": side,
        "quantity": quantity,
        "limit_price": None if limit_price is None else str(limit_price),
    }
    if not account_permissions(account).allows_market(market):
        audit_record(
            event_type=AuditEventType.TRADING_ORDER_REFUSED,
            outcome=AuditOutcome.FAILURE,
            subject=user,
            actor=user,
            client=client,
            detail={**detail, "reason": "sls_opted_out"},
        )
        raise market_not_allowed(market, account)
    with transaction.atomic():
        ticket = OrderTicket.objects.create(
            user=user,
            account=account,
            session=session,
            symbol=symbol,
            market=market.value,
            side=side,
            quantity=quantity,
            limit_price=limit_price,
        )
        audit_record(
            event_type=AuditEventType.TRADING_ORDER_ACCEPTED,
            outcome=AuditOutcome.SUCCESS,
            subject=user,
            actor=user,
            client=client,
            detail={**detail, "ticket": ticket.pk},
        )
    return ticket
