"""Demo clients, accounts and users for `make run` and the browser tests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from accounts.models import Account, Client, User
from accounts.roles import (
    SECURITY_TEAM_GROUP,
    SUPPORT_GROUP,
    security_team_group_sync,
    support_group_sync,
)
from devices.roles import COMPLIANCE_GROUP, compliance_group_sync


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


DEMO_CLIENTS = [
    {
        "client": {
            "name": "Alice Anders",
            "kind": Client.Kind.PERSON,
            "date_of_birth": datetime.date(1980, 4, 12),
            "citizenship": "US",
            "residence_country": "US",
            "id_document_type": "ssn",
            "id_document_number": "078-05-1120",
            "address_line": "350 Fifth Avenue",
            "city": "New York",
            "postal_code": "10118",
            "address_country": "US",
            "email": "alice@example.com",
        },
        "account": {"number": "U1000001", "title": "Alice Anders", "equity": "1250000.00"},
        "users": ["alice", "alice2"],
    },
    {
        "client": {
            "name": "Bob Brown",
            "kind": Client.Kind.PERSON,
            "date_of_birth": datetime.date(1975, 9, 3),
            "citizenship": "GB",
            "residence_country": "GB",
            "id_document_type": "passport",
            "id_document_number": "502135326",
            "address_line": "221B Baker Street",
            "city": "London",
            "postal_code": "NW1 6XE",
            "address_country": "GB",
            "email": "bob@example.com",
        },
        "account": {
            "number": "U2000001",
            "title": "Bob Brown",
            "equity": "85000.00",
            "base_currency": "GBP",
        },
        "users": ["bob"],
    },
    {
        "client": {
            "name": "Carter Holdings Ltd",
            "kind": Client.Kind.ENTITY,
            "citizenship": "DE",
            "residence_country": "DE",
            "id_document_type": "registration",
            "id_document_number": "HRB 123456",
        },
        "account": {"number": "U3000001", "title": "Carter Holdings Ltd", "equity": "420000.00"},
        "users": ["carter"],
    },
    {
        "client": {
            "name": "Dana Diaz",
            "kind": Client.Kind.PERSON,
            "date_of_birth": datetime.date(1990, 6, 21),
            "citizenship": "US",
            "residence_country": "US",
            "id_document_type": "ssn",
            "id_document_number": "219-09-9999",
        },
        "account": {"number": "U4000001", "title": "Dana Diaz", "equity": "2400000.00"},
        "users": ["dana"],
    },
    {
        "client": {
            "name": "Erin Evans",
            "kind": Client.Kind.PERSON,
            "date_of_birth": datetime.date(1968, 11, 30),
            "citizenship": "CA",
            "residence_country": "CA",
            "id_document_type": "passport",
            "id_document_number": "HK345678",
        },
        "account": {
            "number": "U5000001",
            "title": "Erin Evans",
            "equity": "3100000.00",
            "base_currency": "CAD",
        },
        "users": ["erin"],
    },
    {
        "client": {
            "name": "Frank Fischer",
            "kind": Client.Kind.PERSON,
            "date_of_birth": datetime.date(1995, 2, 14),
            "citizenship": "US",
            "residence_country": "US",
            "id_document_type": "ssn",
            "id_document_number": "323-45-6789",
        },
        "account": {"number": "U6000001", "title": "Frank Fischer", "equity": "25000.00"},
        "users": ["frank"],
    },
    {
        "client": {
            "name": "Grace Green",
            "kind": Client.Kind.PERSON,
            "date_of_birth": datetime.date(1983, 3, 5),
            "citizenship": "AU",
            "residence_country": "AU",
            "id_document_type": "passport",
            "id_document_number": "PA0948312",
        },
        "account": {"number": "U8000001", "title": "Grace Green", "equity": "640000.00"},
        "users": ["grace"],
    },
    {
        "client": {
            "name": "Henry Hall",
            "kind": Client.Kind.PERSON,
            "date_of_birth": datetime.date(2001, 8, 9),
            "citizenship": "GB",
            "residence_country": "GB",
            "id_document_type": "passport",
            "id_document_number": "533401372",
            # On record from the application: the only number E1 may confirm (G2).
            "mobile_number": "+447400900461",
        },
        "account": {"number": "U7000001", "title": "Henry Hall", "equity": "5000.00"},
        "users": ["henry"],
    },
    {
        "client": {
            "name": "Ivy Ito",
            "kind": Client.Kind.PERSON,
            "date_of_birth": datetime.date(1987, 10, 2),
            "citizenship": "JP",
            "residence_country": "JP",
            "id_document_type": "passport",
            "id_document_number": "TK1234567",
        },
        "account": {"number": "U4100001", "title": "Ivy Ito", "equity": "1800000.00"},
        "users": ["ivy"],
    },
    {
        "client": {
            "name": "Jack Jones",
            "kind": Client.Kind.PERSON,
            "date_of_birth": datetime.date(1992, 1, 17),
            "citizenship": "IE",
            "residence_country": "IE",
            "id_document_type": "passport",
            "id_document_number": "PB7654321",
        },
        "account": {
            "number": "U4200001",
            "title": "Jack Jones",
            "equity": "90000.00",
            "base_currency": "EUR",
        },
        "users": ["jack"],
    },
]


# (username, group, role shown by seed_demo): least-privileged staff of the admin.
STAFF = [
    ("agent", SUPPORT_GROUP, "support agent (admin)"),
    ("security", SECURITY_TEAM_GROUP, "Security Team (admin: requests of opted-out clients)"),
    ("compliance", COMPLIANCE_GROUP, "Compliance (admin: device shares pending review)"),
]


def demo_password(username: str) -> str:
    return f"{username}-demo-pass"


@transaction.atomic
def seed_demo() -> list[DemoLogin]:
    """Create or refresh the demo data; running it twice changes nothing the second time."""
    logins = []
    for entry in DEMO_CLIENTS:
        client, _ = Client.objects.update_or_create(
            name=entry["client"]["name"], defaults=entry["client"]
        )
        account_fields = {**entry["account"], "equity": Decimal(entry["account"]["equity"])}
        account, _ = Account.objects.update_or_create(
            number=account_fields.pop("number"), defaults=account_fields
        )
        for username in entry["users"]:
            user = _ensure_user(username, client=client, account=account)
            logins.append(DemoLogin(username, demo_password(username), f"client of {account}"))
            if account.primary_user_id is None:
                account.primary_user = user
                account.save(update_fields=["primary_user"])
    support_group_sync()
    security_team_group_sync()
    compliance_group_sync()
    for username, group, role in STAFF:
        staff = _ensure_user(username, is_staff=True)
        staff.groups.add(Group.objects.get(name=group))
        logins.append(DemoLogin(username, demo_password(username), role))
    _ensure_user("admin", is_staff=True, is_superuser=True)
    logins.append(DemoLogin("admin", demo_password("admin"), "superuser (admin)"))
    return logins


def _ensure_user(username: str, **fields: object) -> User:
    user, created = User.objects.update_or_create(username=username, defaults=fields)
    if created or not user.check_password(demo_password(username)):
        validate_password(demo_password(username), user)
        user.set_password(demo_password(username))
        user.save(update_fields=["password"])
    return user
