"""The request of a page behind a login check, as the type checker should see it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request that passed a login check (`verified_login_required`, the admin site's
    staff login): its user is a `User`, never the `AnonymousUser` that `HttpRequest.user`
    may also be. Views annotate their request with it; Django itself builds a plain
    `HttpRequest`, never this class."""

    user: User
