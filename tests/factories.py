"""factory_boy factories for the accounts app."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from accounts.models import Account, Client, User

DEFAULT_PASSWORD = "correct-horse-battery"


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


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True
    password = factory.django.Password(DEFAULT_PASSWORD)
