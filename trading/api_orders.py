"""O3 on the trading channel: what the session's account may trade, and order tickets.
The platform is a simulation: an accepted ticket is recorded and audited, never routed."""

from __future__ import annotations

from ninja import Router, Status

from accounts.permissions import account_permissions
from trading import schemas
from trading.api_common import ERRORS, SessionRequest, SessionToken, trading_client
from trading.models import OrderTicket
from trading.services.orders import limit_price_parse, no_account, order_ticket_place

router = Router(auth=SessionToken(), tags=["trading"])


@router.get("/permissions", response={200: schemas.PermissionsOut, **ERRORS})
def permissions(request: SessionRequest):
    """The markets and features of the account (O3, L6): Pink Sheet and OTCBB are false
    while the account is opted out of the Secure Login System."""
    account = request.auth.user.account
    if account is None:
        raise no_account()
    return {"account": account.number, **account_permissions(account).as_dict()}


@router.post("/orders", response={201: schemas.OrderOut, **ERRORS})
def order_place(request: SessionRequest, payload: schemas.OrderIn):
    """Validate and record an order ticket; 403 `market_not_allowed` for a Pink Sheet or
    OTCBB order of an opted-out account. Nothing is sent to any market."""
    ticket = order_ticket_place(
        session=request.auth,
        symbol=payload.symbol,
        market=payload.market,
        side=payload.side,
        quantity=payload.quantity,
        limit_price=limit_price_parse(payload.limit_price),
        client=trading_client(request),
    )
    return Status(201, _ticket_out(ticket))


def _ticket_out(ticket: OrderTicket) -> dict:
    return {
        "id": ticket.pk,
        "status": "accepted",
        "simulated": True,
        "account": ticket.account.number,
        "symbol": ticket.symbol,
        "market": ticket.market,
        "side": ticket.side,
        "quantity": ticket.quantity,
        "order_type": "market" if ticket.limit_price is None else "limit",
        "limit_price": None if ticket.limit_price is None else str(ticket.limit_price),
        "created_at": ticket.created_at,
    }
