"""O3 and L6 on the trading channel: an account opted out of the Secure Login System logs
in to the trading platform with the password alone and cannot trade Pink Sheet or OTCBB
stocks; opting back in (and logging in with the device) allows them again. Order tickets
are a simulation: recorded and audited, never routed."""

from __future__ import annotations

import pytest

from accounts.client_info import SYSTEM
from accounts.models import AuditEvent, AuditEventType
from portal.services.sls import sls_opt_in
from tests.factories import UserFactory
from tests.trading.api import begin, card_login, get, post, token_of
from trading.models import OrderTicket

pytestmark = pytest.mark.django_db

LISTED = {"symbol": "AAPL", "market": "listed_stocks", "side": "buy", "quantity": 10}
OTCBB = {"symbol": "ABCD", "market": "otcbb", "side": "buy", "quantity": 1000}
PINK = {"symbol": "pnkx", "market": "pink_sheet", "side": "sell", "quantity": 5}


@pytest.fixture
def opted_out(db):
    user = UserFactory()
    user.account.sls_opted_out = True
    user.account.save(update_fields=["sls_opted_out"])
    return user


def test_O3_L6_opted_out_account_is_refused_otcbb_and_pink_sheet_then_allowed_after_opt_in(
    client, opted_out, password
):
    login = begin(client, opted_out.username, password).json()
    assert login["status"] == "authenticated"
    assert login["session"]["device"] is None
    token = login["token"]

    markets = get(client, "/permissions", token).json()["markets"]
    assert markets["otcbb"] is False and markets["pink_sheet"] is False
    assert markets["listed_stocks"] is True
    for order in (OTCBB, PINK):
        refused = post(client, "/orders", order, token)
        assert refused.status_code == 403
        body = refused.json()
        assert body["error"] == "market_not_allowed"
        assert "opted out of the Secure Login System" in body["detail"]
        assert "I want to always use my Secure Login Device" in body["detail"]
    assert not OrderTicket.objects.exists()
    assert AuditEvent.objects.filter(event_type=AuditEventType.TRADING_ORDER_REFUSED).count() == 2
    accepted = post(client, "/orders", LISTED, token)
    assert accepted.status_code == 201, accepted.content

    sls_opt_in(user=opted_out, client=SYSTEM)
    assert get(client, "/permissions", token).json()["error"] == "sls_required"
    token = token_of(card_login(client, opted_out.username, password))
    assert get(client, "/permissions", token).json()["markets"]["otcbb"] is True
    response = post(client, "/orders", OTCBB, token)

    assert response.status_code == 201, response.content
    assert OrderTicket.objects.filter(market="otcbb", account=opted_out.account).count() == 1


def test_O3_listed_order_ticket_is_recorded_audited_and_simulated(client, opted_out, password):
    token = token_of(begin(client, opted_out.username, password))

    response = post(client, "/orders", {**LISTED, "limit_price": "187.2500"}, token)

    assert response.status_code == 201
    body = response.json()
    assert body["simulated"] is True and body["status"] == "accepted"
    assert (body["order_type"], body["limit_price"]) == ("limit", "187.2500")
    ticket = OrderTicket.objects.get(pk=body["id"])
    assert (ticket.user, ticket.account, ticket.quantity) == (opted_out, opted_out.account, 10)
    event = AuditEvent.objects.get(event_type=AuditEventType.TRADING_ORDER_ACCEPTED)
    assert event.detail["ticket"] == ticket.pk and event.detail["market"] == "listed_stocks"


def test_O3_enrolled_account_trades_pink_sheet_with_a_market_order(client, user, password):
    token = token_of(card_login(client, user.username, password))

    response = post(client, "/orders", PINK, token)

    assert response.status_code == 201
    assert response.json()["symbol"] == "PNKX"
    assert response.json()["order_type"] == "market"
    assert get(client, "/permissions", token).json()["sls_enrolled"] is True


def test_O3_orders_and_permissions_need_a_session(client):
    assert post(client, "/orders", LISTED).status_code == 401
    assert get(client, "/permissions").json()["error"] == "unauthenticated"


@pytest.mark.parametrize(
    "change",
    [
        {"quantity": 0},
        {"quantity": -5},
        {"quantity": 10**12},
        {"quantity": 10**40},
        {"quantity": 1.5},
        {"quantity": "10"},
        {"quantity": True},
        {"market": "moon"},
        {"market": "OTCBB "},
        {"market": 3},
        {"side": "short"},
        {"symbol": ""},
        {"symbol": "A" * 500},
        {"symbol": "ÄPPL"},
        {"symbol": "AAPL\n"},
        {"symbol": "١٢٣"},
        {"symbol": 123},
        {"limit_price": 12.5},
        {"limit_price": "-1"},
        {"limit_price": "0"},
        {"limit_price": "1e3"},
        {"limit_price": "NaN"},
        {"limit_price": "Infinity"},
        {"limit_price": "1.23456"},
        {"limit_price": "99999999"},
        {"limit_price": "١٢"},
        {"limit_price": "9" * 10_000},
        {"symbol": None},
    ],
)
def test_O3_bad_order_ticket_is_a_4xx_and_records_nothing(client, user, password, change):
    token = token_of(card_login(client, user.username, password))

    response = post(client, "/orders", {**LISTED, **change}, token)

    assert response.status_code in (400, 422), response.content
    assert response.json()["error"] in ("invalid_input", "price_format")
    assert not OrderTicket.objects.exists()


@pytest.mark.parametrize(
    "raw", ["{not json", "[]", "null", '{"symbol": "AAPL"}', '{"symbol": "A\\u0000"}']
)
def test_O3_garbage_order_body_is_a_4xx(client, user, password, raw):
    token = token_of(card_login(client, user.username, password))

    response = post(client, "/orders", raw=raw, token=token)

    assert 400 <= response.status_code < 500
    assert "error" in response.json()
    assert not OrderTicket.objects.exists()
