"""The client's address of record, where a replacement device is shipped (T5, G4; KB1943:
"Change Address"). The change itself is asked for through `client_address_change`
(devices.services.self_service: a fresh answer from a permanent device, or the Security
Team); `address_apply` writes it, for the client or for the Security Team's approval."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from accounts.client_info import ClientInfo
from accounts.models import AuditEventType, AuditOutcome, Client, User
from accounts.services.audit import audit_record
from accounts.services.notifications import SecurityEmail, security_email_send

ADDRESS_FIELDS = ("address_line", "city", "postal_code", "address_country")
NOT_A_CLIENT = "Only clients have an address of record."
INCOMPLETE = "Street address, city, postal code and country are all required."


@dataclass(frozen=True)
class Address:
    address_line: str
    city: str
    postal_code: str
    country: str

    @classmethod
    def of(cls, client: Client) -> Address:
        # The field reads back as a django_countries Country (typed `str` by the stubs,
        # which know only its CharField base); its str() is the code, "" when blank.
        return cls(
            client.address_line, client.city, client.postal_code, str(client.address_country)
        )

    @property
    def complete(self) -> bool:
        return all((self.address_line, self.city, self.postal_code, self.country))

    @property
    def masked(self) -> str:
        """Enough for the client to recognise the address in an e-mail, not enough for
        whoever else reads it to find the door: the street and postal code are cut short."""
        street = self.address_line[:3].rstrip()
        code = self.postal_code[:2]
        return f"{street}***, {code}*** {self.city}, {self.country}"


def address_check(address: Address) -> None:
    """Refuse an address that the client record would not store (ValidationError)."""
    record = Client(
        address_line=address.address_line,
        city=address.city,
        postal_code=address.postal_code,
        address_country=address.country,
    )
    # Only the address is checked: the rest of the record is not this change's business.
    record.clean_fields(
        exclude=[f.name for f in Client._meta.fields if f.name not in ADDRESS_FIELDS]
    )
    if not address.complete:
        raise ValidationError(INCOMPLETE)


def address_apply(*, user: User, address: Address, actor: User, client: ClientInfo) -> Client:
    """Store a new address of record for the user's client; the old country is kept in the
    audit trail and the user is told by e-mail. Callers hold the transaction and have
    decided that the change may be made (G4)."""
    if user.client_id is None:
        raise ValidationError(NOT_A_CLIENT)
    address_check(address)
    record = Client.objects.select_for_update().get(pk=user.client_id)
    before = Address.of(record)
    record.address_line = address.address_line
    record.city = address.city
    record.postal_code = address.postal_code
    record.address_country = address.country
    record.save(update_fields=list(ADDRESS_FIELDS))
    audit_record(
        event_type=AuditEventType.ADDRESS_CHANGED,
        outcome=AuditOutcome.SUCCESS,
        subject=user,
        actor=actor,
        client=client,
        detail={"from_country": before.country, "to_country": address.country},
    )
    security_email_send(
        user=user, event=SecurityEmail.ADDRESS_CHANGED, client=client, shipping=address.masked
    )
    return record
