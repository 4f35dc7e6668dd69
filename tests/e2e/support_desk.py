"""The support desk as each staff role finds it, for checks that visit all of its pages:
rows in every table the admin lists (made by the services, as the portal makes them), the
staff of each role, and the pages of the admin a member of that role can open.

The pages come from the admin's own registry, so a model or a view added later is visited
without this list being touched: the index, each list the role may see,
the add page where it may add, a row's change page, and the views a model admin adds in
`get_urls()` (the temporary passcode, the seed-file import, a card's assignment, the
password change), kept where the admin answers the role with the page; and one history
page and one deletion page where the role may delete, each Django's one template for every
model."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Model, QuerySet
from django.test import Client, RequestFactory
from django.urls import URLPattern, reverse

from accounts.client_info import SYSTEM
from accounts.models import User
from accounts.roles import (
    SECURITY_TEAM_GROUP,
    SUPPORT_GROUP,
    security_team_group_sync,
    support_group_sync,
)
from accounts.services.deposits import deposit_request
from accounts.services.security_requests import BankDetails, bank_instructions_apply
from devices.models import SecurityDevice
from devices.roles import COMPLIANCE_GROUP, compliance_group_sync
from devices.services.self_service import bank_instructions_change
from tests.devices.sharing.helpers import matching_records_users, share_through_pages
from tests.devices.temporary.helpers import passcode_give
from tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory
from tests.login_helpers import full_login
from tests.withdrawals.helpers import withdraw
from trading.models import ApprovalMethod
from trading.services.sessions import trading_session_start

SUPERUSER = "superuser"
ROLES = (SUPPORT_GROUP, SECURITY_TEAM_GROUP, COMPLIANCE_GROUP, SUPERUSER)
# Django's own pages of every model admin; any other named URL is a view of the project's.
STANDARD_VIEWS = ("changelist", "add", "change", "history", "delete")
BANK = BankDetails(
    bank_name="First Example Bank",
    account_holder="Caller Example",
    routing_number="011000015",
    account_number="123456789",
)


def desk_rows() -> None:
    """A row in every table of the desk: clients with cards, a client's login trail, a
    temporary passcode, a share waiting for Compliance, a request waiting for the Security
    Team, bank instructions, a deposit, a withdrawal and a trading session."""
    support_group_sync()
    security_team_group_sync()
    compliance_group_sync()
    caller = UserFactory(username="caller", account__equity=Decimal("50000"))
    assert full_login(Client(), caller.username, DEFAULT_PASSWORD).status_code == 302
    passcode_give(caller, staff_of(SUPPORT_GROUP))
    bank_instructions_apply(user=caller, details=BANK, actor=caller, client=SYSTEM)
    deposit_request(
        user=caller, account=caller.account, amount=Decimal("100"), method="ach", client=SYSTEM
    )
    withdraw(caller, "100.00")
    trading_session_start(
        user=caller,
        device=SecurityDevice.objects.filter(user=caller).first(),
        method=ApprovalMethod.RESPONSE,
        client=SYSTEM,
    )
    without_device = UserFactory(username="without-device", device=False)
    bank_instructions_change(user=without_device, details=BANK, fresh_factor=None, client=SYSTEM)
    requester, owner = matching_records_users("scc", "dsc_plus")
    share_client = Client()
    assert full_login(share_client, requester.username, DEFAULT_PASSWORD).status_code == 302
    share_through_pages(share_client, owner)


def staff_of(role: str) -> User:
    """The member of `role` (made on first use), with a card for the login's second step."""
    username = "".join(filter(str.isalnum, role.lower()))
    staff = User.objects.filter(username=username).first()
    if staff is None:
        staff = StaffFactory(username=username, is_superuser=role == SUPERUSER)
        if role != SUPERUSER:
            staff.groups.add(Group.objects.get(name=role))
    return staff


def desk_pages(staff: User, client: Client) -> list[str]:
    """Every page of the admin `staff` can open, `client` being logged in as `staff`."""
    request = RequestFactory().get(reverse("admin:index"))
    request.user = staff
    pages = [reverse("admin:index")]
    once: dict[str, str] = {}
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_or_change_permission(request):
            continue
        pages.append(_url(model, "changelist"))
        if model_admin.has_add_permission(request):
            pages.append(_url(model, "add"))
        row = _first_row(model, model_admin.get_queryset(request))
        if row is None:
            continue
        pages.append(_url(model, "change", row.pk))
        once.setdefault("history", _url(model, "history", row.pk))
        if model_admin.has_delete_permission(request, row):
            once.setdefault("delete", _url(model, "delete", row.pk))
        pages += [
            path for path in _own_views(model_admin, row) if client.get(path).status_code == 200
        ]
    return pages + list(once.values())


def _name(model: type[Model], view: str) -> str:
    return f"{model._meta.app_label}_{model._meta.model_name}_{view}"


def _url(model: type[Model], view: str, *args: object) -> str:
    return reverse(f"admin:{_name(model, view)}", args=args)


def _first_row(model: type[Model], queryset: QuerySet) -> Model | None:
    """The row staff would open: of users, a client's (the desk's views are about clients)."""
    if model is User:
        queryset = queryset.filter(client__isnull=False)
    return queryset.order_by("pk").first()


def _own_views(model_admin: admin.ModelAdmin, row: Model) -> list[str]:
    """The paths of the views `model_admin` adds to Django's own, for `row` where the view
    is about one row."""
    paths = []
    for pattern in model_admin.get_urls():
        if not isinstance(pattern, URLPattern) or not pattern.name:
            continue
        if pattern.name in {_name(model_admin.model, view) for view in STANDARD_VIEWS}:
            continue
        arguments = {name: row.pk for name in pattern.pattern.converters}
        paths.append(reverse(f"admin:{pattern.name}", kwargs=arguments))
    return paths
