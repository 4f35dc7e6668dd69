"""Settings pages from tests: a logged-in client, and a page's fresh second factor
answered by the card simulator (or answered wrong)."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import Client

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.login_helpers import card_answer, full_login


def logged_in(user: User) -> Client:
    client = Client()
    full_login(client, user.username, DEFAULT_PASSWORD)
    return client


def second_user_of(primary: User, **fields: object) -> User:
    """Another user of the same person and account, who is not its primary user."""
    return UserFactory(client=primary.client, account=primary.account, primary=False, **fields)


def wrong(answer: str) -> str:
    return answer[:-1] + str((int(answer[-1]) + 1) % 10)


def fresh_factor_fields(page: HttpResponse, *, right: bool = True) -> dict[str, object]:
    """The device part of a settings form, from the challenge `page` shows."""
    fresh = page.context["fresh_factor"]
    answer = card_answer(fresh["device"], fresh["challenge"].value)
    return {
        "device": fresh["device"].pk,
        "challenge": fresh["challenge"].pk,
        "response": answer if right else wrong(answer),
    }


def post_with_fresh_factor(
    client: Client, url: str, data: dict[str, object], *, right: bool = True
) -> HttpResponse:
    """Open the page (which shows a new challenge), then post `data` with the answer."""
    page = client.get(url)
    return client.post(url, {**data, **fresh_factor_fields(page, right=right)})
