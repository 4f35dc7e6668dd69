"""factory_boy factories for the accounts app."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

import factory

from accounts.models import Account, Client, User
from devices.demo import demo_card_give
from devices.kinds import Kind
from devices.models import SecurityDevice

DEFAULT_PASSWORD = "correct-horse-battery"
DEFAULT_PIN = "1234"


def give_device(user: User, kind: str = Kind.DSC_PLUS, otp_mode: str = "") -> SecurityDevice:
    """Issue and assign a fresh card of `kind` to `user`, as support would."""
    serial = f"{kind.upper()}-{secrets.token_hex(4)}"
    return demo_card_give(user=user, kind=kind, serial=serial, otp_mode=otp_mode, pin=DEFAULT_PIN)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    kind = Client.Kind.PERSON
    name = factory.Sequence(lambda n: f"Client {n}")
    date_of_birth = datetime.date(1985, 1, 1)
    citizenship = "GB"
    residence_country = "GB"
    id_document_type = "passport"
    id_document_number = factory.Sequence(lambda n: f"P{n:08d}")


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    number = factory.Sequence(lambda n: f"U{9000000 + n}")
    title = factory.Sequence(lambda n: f"Account {n}")
    equity = Decimal("100000.00")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    client = factory.SubFactory(ClientFactory)
    account = factory.SubFactory(AccountFactory)
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def primary(obj: User, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Make the user its account's primary user unless told otherwise."""
        if create and extracted is not False and obj.account.primary_user_id is None:
            obj.account.primary_user = obj
            obj.account.save(update_fields=["primary_user"])

    @factory.post_generation
    def device(obj: User, create: bool, extracted: str | None, **kwargs: object) -> None:
        """Every client has a DSC+ unless a kind, or False for none, is given."""
        if create and extracted is not False:
            give_device(obj, extracted or Kind.DSC_PLUS)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def device(obj: User, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted is not False:
            give_device(obj, extracted or Kind.SCC)
