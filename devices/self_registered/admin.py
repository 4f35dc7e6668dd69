"""The support desk's list of security keys and authenticator apps (F1, F3, F4).

Read-only, like every device page: their holders registered them, so the desk finds a
caller's key by the name the caller gave it, sees when it last approved something, and
for a key its sign count, its attestation and whether it was flagged as possibly cloned.
The writes are the lost-device actions (report lost or damaged, remove); a card's
"returned" has no place here, as nothing of these was ever shipped.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.admin_guards import ReadOnlyAdmin
from accounts.dates import moment_text
from devices.kinds import kind_codes, kind_for
from devices.models import Authenticator, SecurityDevice, SelfRegisteredDevice
from devices.temporary.admin import DeviceReportActions

SELF_REGISTERED = kind_codes(lambda kind: kind.self_registered)
CLONE_ADVICE = (
    "Its sign count went backwards on {when}: a copy of its credential may exist, so it "
    "answers nothing. Call the client on the number on record; remove the key (or report "
    "it lost if the client no longer has it), and the client registers a new one."
)


class PossiblyClonedFilter(admin.SimpleListFilter):
    """Keys whose sign count went backwards (F1): the ones support should call about."""

    title = "possibly cloned"
    parameter_name = "possibly_cloned"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(clone_suspected_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(clone_suspected_at__isnull=True)
        return queryset


class SelfRegisteredKindFilter(admin.SimpleListFilter):
    """The kinds this list holds, not every kind of the table."""

    title = "kind"
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [(code, kind_for(code).label) for code in SELF_REGISTERED]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(kind=self.value()) if self.value() else queryset


class SelfRegisteredStateFilter(admin.SimpleListFilter):
    """The states a key or app can be in: registered active, then perhaps lost, damaged
    or removed (revoked); never in stock, shipped or returned like a card."""

    title = "state"
    parameter_name = "state"
    STATES = (
        Authenticator.State.ACTIVE,
        Authenticator.State.LOST,
        Authenticator.State.DAMAGED,
        Authenticator.State.REVOKED,
    )

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [(state.value, state.label) for state in self.STATES]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(state=self.value()) if self.value() else queryset


# django-stubs give ModelAdmin.response_action an `action_location` that Django 5.2's has
# not, so the guard's override (accounts.admin_guards) differs from the stub's.
class SelfRegisteredDeviceAdmin(DeviceReportActions, ReadOnlyAdmin):  # type: ignore[misc]
    actions = ["report_lost", "report_damaged", "remove"]
    list_display = (
        "device_name",
        "kind",
        "holder",
        "state",
        "last_use",
        "sign_count",
        "possibly_cloned",
        "registered_at",
    )
    list_filter = (PossiblyClonedFilter, SelfRegisteredKindFilter, SelfRegisteredStateFilter)
    search_fields = ("serial", "user_devices__user__username", "user_devices__name")
    ordering = ("-created_at",)
    # The credential's public key and attestation object are kept for the record, and
    # say nothing a support agent acts on: the model (AAGUID) and format are shown.
    fields = (
        "device_name",
        "kind",
        "holder",
        "serial",
        "state",
        "registered_at",
        "last_use",
        "sign_count",
        "attestation_format",
        "model_aaguid",
        "credential_id",
        "possibly_cloned",
        "clone_advice",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[SelfRegisteredDevice]:
        return super().get_queryset(request).prefetch_related("user_devices__user")

    @admin.display(description="Name")
    def device_name(self, authenticator: Authenticator) -> str:
        holder = _holding(authenticator)
        return holder.name if holder is not None else authenticator.serial

    @admin.display(description="User")
    def holder(self, authenticator: Authenticator) -> str:
        holder = _holding(authenticator)
        return holder.user.username if holder is not None else "-"

    @admin.display(description="Registered", ordering="created_at")
    def registered_at(self, authenticator: Authenticator) -> str:
        return moment_text(authenticator.activated_at or authenticator.created_at)

    @admin.display(description="Last use", ordering="last_used_at")
    def last_use(self, authenticator: Authenticator) -> str:
        at = authenticator.last_used_at
        return moment_text(at) if at else "Never"

    @admin.display(description="Sign count")
    def sign_count(self, authenticator: Authenticator) -> str:
        """A key's signature counter (0 for keys that keep none); an app has none."""
        return str(authenticator.counter) if authenticator.credential_id else "-"

    @admin.display(description="Model (AAGUID)")
    def model_aaguid(self, authenticator: Authenticator) -> str:
        """The model the key's attestation names; all zeros when it names none."""
        return authenticator.aaguid or "-"

    @admin.display(description="Possibly cloned", ordering="clone_suspected_at")
    def possibly_cloned(self, authenticator: Authenticator) -> str:
        at = authenticator.clone_suspected_at
        return f"YES, since {moment_text(at)}" if at else "No"

    @admin.display(description="What to do")
    def clone_advice(self, authenticator: Authenticator) -> str:
        at = authenticator.clone_suspected_at
        return CLONE_ADVICE.format(when=moment_text(at)) if at else "-"


def _holding(authenticator: Authenticator) -> SecurityDevice | None:
    """The one user's device row on it: a key or an app is never shared (F2)."""
    holders = list(authenticator.user_devices.all())
    return holders[0] if holders else None
