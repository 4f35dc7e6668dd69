"""Fixtures for DSC+ orders: a card in stock, an eligible client, and that client logged in."""

from __future__ import annotations

import pytest

from accounts.models import User
from devices.models import Authenticator
from tests.factories import DEFAULT_PASSWORD
from tests.login_helpers import full_login
from tests.orders.helpers import rich_client_user, stock_card


@pytest.fixture
def card(db) -> Authenticator:
    return stock_card()


@pytest.fixture
def rich_user(db) -> User:
    return rich_client_user()


@pytest.fixture
def portal(client, rich_user):
    """The test client, logged in as `rich_user` with its card."""
    response = full_login(client, rich_user.username, DEFAULT_PASSWORD)
    assert response.status_code == 302
    return client
