"""Withdrawals on the trading channel (SPEC §8), by the withdrawals app's own selector and
services, called exactly as the Client Portal calls them: review with a device challenge
bound to the request, then the device's answer makes the withdrawal (ASVS 7.5.3). The
limits, windows, ledger and audit events are theirs; this module only translates JSON."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from ninja import Router, Status

from accounts.models import Account, User
from trading import schemas
from trading.api_common import ERRORS, SessionRequest, SessionToken, device_out, trading_client
from trading.errors import key_reused, login_failed, unknown_device
from trading.services.orders import no_account
from trading.services.sessions import trading_session_end_if_locked
from withdrawals.amounts import amount_parse
from withdrawals.conf import CURRENCY
from withdrawals.idempotency import KeyReused
from withdrawals.models import Withdrawal, WithdrawalIntent
from withdrawals.selectors import withdrawal_capacity
from withdrawals.services.intents import approving_devices, withdrawal_intent_create
from withdrawals.services.refusals import WithdrawalRefused
from withdrawals.services.requests import StepUp, withdrawal_request

router = Router(auth=SessionToken(), tags=["withdrawals"])
REFUSED = {**ERRORS, 409: schemas.RefusalOut}


@router.get("/capacity", response={200: schemas.CapacityOut, **ERRORS})
def capacity(request: SessionRequest):
    """The tier of the user's device and why (W1), the limits, what both rolling windows
    have used and what is still available (W2), and the devices that may approve."""
    user, account = _holder(request)
    now = timezone.now()
    room = withdrawal_capacity(user, account, now)
    limits = room.tier.limits
    return {
        "account": account.number,
        "currency": CURRENCY,
        "tier": room.tier.tier.value,
        "tier_label": limits.label,
        "why": room.tier.reason,
        "business_day": room.business_day,
        "window_start": room.window_start,
        "limits": {"per_day": _text(limits.per_day), "per_five_days": _text(limits.per_five_days)},
        "used": {"today": str(room.used_today), "five_days": str(room.used_five_days)},
        "available": {
            "today": _text(room.available_today),
            "five_days": _text(room.available_five_days),
            "now": _text(room.available),
        },
        "devices": [device_out(device) for device in approving_devices(user)],
    }


@router.post("/intents", response={201: schemas.IntentOut, **REFUSED})
def intent_create(request: SessionRequest, payload: schemas.IntentIn):
    """Review: a request already over a limit is refused (409, with what is available);
    otherwise the chosen device (default: the strongest) gets a challenge for it alone."""
    user, account = _holder(request)
    amount = amount_parse(payload.amount)
    if payload.device_id is not None and payload.device_id not in {
        device.pk for device in approving_devices(user)
    }:
        raise unknown_device()
    try:
        intent, challenge = withdrawal_intent_create(
            user=user,
            account=account,
            amount=amount,
            destination=payload.destination,
            device_id=payload.device_id,
            client=trading_client(request),
        )
    except WithdrawalRefused as refusal:
        return Status(409, _refusal_out(refusal))
    kind = intent.device.authenticator.kind_behaviour
    return Status(
        201,
        {
            "intent_token": intent.token,
            "amount": str(intent.amount),
            "destination": intent.destination,
            "device": device_out(intent.device),
            "challenge_id": challenge.pk,
            "challenge": challenge.value,
            "prompt": kind.prompt(challenge.value),
            "response_label": kind.response_label,
            "webauthn": challenge.client_options,
            "expires_at": intent.expires_at,
        },
    )


@router.post("", response={200: schemas.WithdrawalOut, 201: schemas.WithdrawalOut, **REFUSED})
def withdraw(request: SessionRequest, payload: schemas.WithdrawIn):
    """The device's answer to the intent's challenge, with the same amount and destination
    and the client's idempotency key: 201 with the ledger row, or 409 saying why not. The
    approval works once, right or wrong; a wrong answer is a failed login attempt (L3) and a
    lockout ends the session. Sent again with the same key (a retry after a lost answer),
    the request is answered 200 with the same row and makes nothing; the key sent with
    another amount or destination is 422 `idempotency_key_reused`."""
    user, account = _holder(request)
    client = trading_client(request)
    try:
        accepted = withdrawal_request(
            user=user,
            account=account,
            amount=amount_parse(payload.amount),
            destination=payload.destination,
            step_up=StepUp(
                intent_token=payload.intent_token,
                challenge_id=payload.challenge_id,
                response=payload.response,
            ),
            idempotency_key=payload.idempotency_key,
            client=client,
        )
    except KeyReused as reused:
        raise key_reused() from reused
    except WithdrawalRefused as refusal:
        if trading_session_end_if_locked(session=request.auth, client=client):
            raise login_failed() from refusal
        made = (
            _already_made(user, payload.intent_token)
            if refusal.reason == "approval_unusable"
            else None
        )
        return Status(409, _refusal_out(refusal, made))
    return Status(200 if accepted.repeated else 201, _withdrawal_out(accepted.withdrawal))


def _holder(request: SessionRequest) -> tuple[User, Account]:
    """The session's user and the account it trades for; a user without one is refused."""
    user = request.auth.user
    if user.account is None:
        raise no_account()
    return user, user.account


def _already_made(user: User, intent_token: str) -> Withdrawal | None:
    """A second submit of an approval already accepted (a retry after a lost answer) names
    the withdrawal it made, as the portal shows it, so a client never withdraws twice."""
    intent = (
        WithdrawalIntent.objects.select_related("withdrawal__account")
        .filter(token=intent_token, user=user, withdrawal__isnull=False)
        .first()
    )
    return intent.withdrawal if intent else None


def _refusal_out(refusal: WithdrawalRefused, made: Withdrawal | None = None) -> dict:
    if made is not None:
        return {
            "error": "withdrawal_refused",
            "reason": "already_made",
            "detail": "This approval was already used: the withdrawal was made once.",
            "withdrawal": _withdrawal_out(made),
        }
    return {"error": "withdrawal_refused", "reason": refusal.reason, "detail": refusal.message}


def _withdrawal_out(withdrawal: Withdrawal) -> dict:
    return {
        "id": withdrawal.pk,
        "account": withdrawal.account.number,
        "amount": str(withdrawal.amount),
        "currency": withdrawal.currency,
        "destination": withdrawal.destination,
        "tier": withdrawal.tier,
        "tier_reason": withdrawal.tier_reason,
        "business_day": withdrawal.business_day,
        "created_at": withdrawal.created_at,
    }


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)
