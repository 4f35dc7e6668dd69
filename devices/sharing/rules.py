"""Who may share a card with whom (H1), which requests wait for Compliance (H3), and the
refusals with the words of KB2481.

Participants are the requesting user, the device owner, and anyone already using the
owner's card through an earlier share. The checks read; `devices.sharing.services`
runs them again under row locks when it acts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import Client, User
from accounts.permissions import Feature, account_permissions
from devices.models import Authenticator, DeviceShare, SecurityDevice
from devices.temporary.policy import temporary_window_end

# The owner's password and the card's answer are good for this long: enough to read the
# review page, short enough that a session left open cannot finish the share much later.
SHARE_FLOW_TTL = timedelta(minutes=10)

LESS_SECURE = "Less secure device"
DIFFERENT_IDENTIFICATION = "Different identification information"
TEMPORARY_DEVICE = (
    "Devices cannot be shared while one of the users has a temporary security device "
    "(temporary passcode or online security card). Share the device once the permanent "
    "device is back in use."
)
IB_KEY = (
    "IB Key users do not share devices: open the IBKR Mobile app, choose Authenticate, then "
    "Add user, and log in there with the other user name."
)
NOT_SHAREABLE = (
    "Only a physical device can be shared: Digital Security Card+, Security Code Card, "
    "Digital Security Card, Platinum or Gold card."
)
OWN_CREDENTIAL = (
    "A security key, passkey or authenticator app is never shared: each user adds "
    "their own from Settings, Secure Login System, and several users may register the same "
    "physical key, each with a credential of their own."
)
FOR_ONESELF = "Enter the user name that holds the device, not your own."
ALREADY_OPEN = (
    "You already have a device share that is pending or active. Cancel it before asking "
    "for another."
)
ALREADY_HOLDS = "You already use this device."
OPTED_OUT = (
    "Device sharing is for accounts enrolled in the Secure Login System. The account of one "
    "of the users is opted out: its primary user can opt back in from Secure Login Settings."
)
NOT_THE_HOLDER = (
    "That user uses this device through device sharing. Enter the user name the device belongs to."
)

OPEN_STATUSES = (DeviceShare.Status.PENDING, DeviceShare.Status.APPROVED)
# The identification data of KB2481 (SPEC §0); an SSN is the document of US persons.
IDENTIFICATION_FIELDS = (
    "kind",
    "date_of_birth",
    "citizenship",
    "residence_country",
    "id_document_type",
    "id_document_number",
)


@dataclass(frozen=True)
class Refusal:
    """Why a share cannot go ahead: `code` for the audit trail, `message` for the user."""

    code: str
    message: str


class ShareRefused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


def identification_matches(first: Client | None, second: Client | None) -> bool:
    """H1a: the same person or entity, or two records with the same identification data.
    Document numbers are compared without spaces, dashes or letter case."""
    if first is None or second is None:
        return False
    if first.pk == second.pk:
        return True
    return all(identification_compare(first, second).values())


def identification_compare(first: Client, second: Client) -> dict[str, bool]:
    """Per field of IDENTIFICATION_FIELDS, whether the two records agree: what Compliance
    reads in place of the values, which staff never see in full."""
    return {
        name: _normalised(getattr(first, name)) == _normalised(getattr(second, name))
        for name in IDENTIFICATION_FIELDS
    }


def share_needs_review(*, requester: User, owner: User) -> bool:
    """H3: users of one person or entity share at once; users of two client records whose
    identification data match wait for Compliance, who confirm that both records are
    really one person before a card crosses between them."""
    return requester.client_id != owner.client_id


def share_refusal(
    *, requester: User, owner: User, authenticator: Authenticator, at: datetime
) -> Refusal | None:
    """The first H1 condition the share breaks, or None when all hold."""
    if requester.pk == owner.pk:
        return Refusal("for_oneself", FOR_ONESELF)
    if (refusal := requester_refusal(requester)) is not None:
        return refusal
    kind = authenticator.kind_behaviour
    if kind.uses_push:
        return Refusal("ib_key", IB_KEY)
    if kind.self_registered:
        return Refusal("own_credential", OWN_CREDENTIAL)
    if not kind.shareable:
        return Refusal("not_shareable", NOT_SHAREABLE)
    if SecurityDevice.objects.filter(user=requester, authenticator=authenticator).exists():
        return Refusal("already_holds", ALREADY_HOLDS)
    if DeviceShare.objects.filter(
        requester=owner, authenticator=authenticator, status__in=OPEN_STATUSES
    ).exists():
        return Refusal("not_the_holder", NOT_THE_HOLDER)
    if not identification_matches(requester.client, owner.client):
        return Refusal("different_identification", DIFFERENT_IDENTIFICATION)
    if not all(_sharing_allowed(user) for user in (requester, owner)):
        return Refusal("opted_out", OPTED_OUT)
    devices = _participants_devices(requester, owner, authenticator)
    if any(device.authenticator.kind_behaviour.uses_push for device in devices):
        return Refusal("ib_key", IB_KEY)
    if any(_temporary_in_use(device.authenticator, at) for device in devices):
        return Refusal("temporary_device", TEMPORARY_DEVICE)
    strongest = max(
        (d.authenticator.kind_behaviour.level for d in devices if not _temporary(d)),
        default=0,
    )
    if kind.level < strongest:
        return Refusal("less_secure", LESS_SECURE)
    return None


def requester_refusal(user: User) -> Refusal | None:
    """K3, KB2481: an IB Key user adds users in the app ("Add user") and never shares a
    device. Said before anything else, whoever the owner would be, so that such a user is
    not sent through the wizard to be told of identification data instead (H4)."""
    if any(_uses_push(device) for device in _devices_in_use(user)):
        return Refusal("ib_key", IB_KEY)
    return None


def open_share(user: User) -> DeviceShare | None:
    """The user's pending or approved share as requester, if any."""
    return (
        DeviceShare.objects.filter(requester=user, status__in=OPEN_STATUSES)
        .select_related("owner", "authenticator")
        .first()
    )


def redundant_devices(requester: User, authenticator: Authenticator) -> list[SecurityDevice]:
    """H5: the requester's devices in use that the shared card makes redundant."""
    return list(
        SecurityDevice.objects.filter(user=requester, confirmed=True)
        .exclude(authenticator=authenticator)
        .select_related("authenticator")
        .order_by("pk")
    )


def sharing_context(user: User) -> dict[str, Any]:
    """What the Secure Login System page shows about sharing: the entry that fits (H2),
    the user's own share, and who else uses the user's cards."""
    devices = list(_devices_in_use(user))
    has_permanent = any(not _temporary(device) for device in devices)
    shared_with = (
        DeviceShare.objects.filter(owner=user, status__in=OPEN_STATUSES)
        .select_related("requester", "authenticator")
        .order_by("pk")
    )
    return {
        "sharing": {
            "client_user": user.client_id is not None,
            "has_active_device": has_permanent,
            "ib_key": IB_KEY if any(_uses_push(device) for device in devices) else "",
            "share": open_share(user),
            "shared_with": list(shared_with),
        }
    }


def _participants_devices(
    requester: User, owner: User, authenticator: Authenticator
) -> list[SecurityDevice]:
    """The devices in use of everyone the share concerns, in one query."""
    sharers = SecurityDevice.objects.filter(authenticator=authenticator, confirmed=True).values(
        "user_id"
    )
    return list(
        SecurityDevice.objects.filter(
            Q(user_id__in=[requester.pk, owner.pk]) | Q(user_id__in=sharers),
            confirmed=True,
            authenticator__state=Authenticator.State.ACTIVE,
        ).select_related("authenticator")
    )


def _sharing_allowed(user: User) -> bool:
    """O3: an opted-out account loses device sharing with the other benefits of enrolment."""
    return user.account is None or account_permissions(user.account).allows(Feature.DEVICE_SHARING)


def _devices_in_use(user: User) -> QuerySet[SecurityDevice]:
    return SecurityDevice.objects.filter(
        user=user, confirmed=True, authenticator__state=Authenticator.State.ACTIVE
    ).select_related("authenticator")


def _uses_push(device: SecurityDevice) -> bool:
    return device.authenticator.kind_behaviour.uses_push


def _temporary(device: SecurityDevice) -> bool:
    return device.authenticator.kind_behaviour.temporary


def _temporary_in_use(authenticator: Authenticator, at: datetime) -> bool:
    """H1b: a temporary device counts until its last window closes (T2, T3)."""
    if not authenticator.kind_behaviour.temporary:
        return False
    end = temporary_window_end(authenticator)
    return end is None or at < end


def _normalised(value: object) -> object:
    if isinstance(value, str):
        return "".join(value.split()).replace("-", "").upper()
    return getattr(value, "code", value)
