"""The client's address of record, where a replacement device is shipped (T5, KB1943:
"Change Address")."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from ..client_info import ClientInfo
from ..models import AuditEventType, AuditOutcome, Client, User
from .audit import audit_record

ADDRESS_FIELDS = ("address_line", "city", "postal_code", "address_country")


@dataclass(frozen=True)
class Address:
    address_line: str
    city: str
    postal_code: str
    country: str

    @classmethod
    def of(cls, client: Client) -> Address:
        return cls(
            client.address_line, client.city, client.postal_code, client.address_country.code or ""
        )

    @property
    def complete(self) -> bool:
        return all((self.address_line, self.city, self.postal_code, self.country))


@transaction.atomic
def client_address_change(*, user: User, address: Address, client: ClientInfo) -> Client:
    """Store a new address for the user's client; the old one is kept in the audit trail."""
    if user.client_id is None:
        raise ValidationError("Only clients have an address of record.")
    record = Client.objects.select_for_update().get(pk=user.client_id)
    before = Address.of(record)
    record.address_line = address.address_line
    record.city = address.city
    record.postal_code = address.postal_code
    record.address_country = address.country
    # Only the address is checked: the rest of the record is not this change's business.
    record.clean_fields(
        exclude=[f.name for f in Client._meta.fields if f.name not in ADDRESS_FIELDS]
    )
    if not Address.of(record).complete:
        raise ValidationError("Street address, city, postal code and country are all required.")
    record.save(update_fields=list(ADDRESS_FIELDS))
    audit_record(
        event_type=AuditEventType.ADDRESS_CHANGED,
        outcome=AuditOutcome.SUCCESS,
        subject=user,
        actor=user,
        client=client,
        detail={"from_country": before.country, "to_country": address.country},
    )
    return record
