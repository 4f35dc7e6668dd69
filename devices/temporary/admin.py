"""The support desk's lost-device work on the device pages (T1-T3, T7, F4): marking a
device lost or damaged, recording a returned card, removing a security key or an
authenticator app, and the list of temporary devices with their windows. Each write is one
service call; a refused device is named with the reason and left as it was."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.admin_guards import ReadOnlyAdmin
from accounts.client_info import ClientInfo
from accounts.dates import moment_text
from devices.models import Authenticator, TemporaryDevice
from devices.self_registered.services import device_remove
from devices.temporary.policy import (
    Channel,
    Scope,
    temporary_access,
    temporary_full_access_end,
    temporary_portal_only_end,
    temporary_window_end,
)
from devices.temporary.services import device_report, device_return_record


def _when(at: datetime | None) -> str:
    return moment_text(at) if at else "-"


class DeviceReportActions:
    """Admin actions for the Authenticator admin; the permissions are the Support group's."""

    actions = ["report_lost", "report_damaged", "return_record", "remove"]

    @admin.action(description="Mark selected devices lost", permissions=["report_device"])
    def report_lost(self, request: HttpRequest, queryset: QuerySet[Authenticator]) -> None:
        report = partial(device_report, state=Authenticator.State.LOST)
        self._each(request, queryset, report, "marked lost")

    @admin.action(description="Mark selected devices damaged", permissions=["report_device"])
    def report_damaged(self, request: HttpRequest, queryset: QuerySet[Authenticator]) -> None:
        report = partial(device_report, state=Authenticator.State.DAMAGED)
        self._each(request, queryset, report, "marked damaged")

    @admin.action(
        description="Record selected devices as returned", permissions=["record_device_return"]
    )
    def return_record(self, request: HttpRequest, queryset: QuerySet[Authenticator]) -> None:
        self._each(request, queryset, device_return_record, "recorded as returned")

    @admin.action(
        description="Remove selected security keys and authenticator apps",
        permissions=["remove_device"],
    )
    def remove(self, request: HttpRequest, queryset: QuerySet[Authenticator]) -> None:
        self._each(request, queryset, device_remove, "removed")

    def has_report_device_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("devices.report_device")

    def has_record_device_return_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("devices.record_device_return")

    def has_remove_device_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("devices.remove_device")

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Authenticator],
        service: Callable[..., Authenticator],
        done: str,
    ) -> None:
        """Each device in its own transaction: a refused one does not hold back the rest."""
        client = ClientInfo.from_request(request)
        changed = []
        for authenticator in queryset:
            try:
                service(authenticator=authenticator, agent=request.user, client=client)
            except ValidationError as exc:
                self.message_user(
                    request, f"{authenticator}: {' '.join(exc.messages)}", messages.ERROR
                )
            else:
                changed.append(str(authenticator))
        if changed:
            self.message_user(request, f"{', '.join(changed)} {done}.", messages.SUCCESS)


class TemporaryDeviceAdmin(ReadOnlyAdmin):
    """Every temporary passcode and online card with its windows (T2, T3), read-only."""

    list_display = (
        "serial",
        "kind",
        "holders",
        "issued_at",
        "state",
        "full_access_until",
        "portal_only_until",
        "ends",
        "usable_now",
    )
    list_filter = ("kind", "state")
    search_fields = ("serial", "user_devices__user__username")
    ordering = ("-activated_at", "-created_at")
    fields = ("serial", "kind", "state", "created_at", "activated_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[TemporaryDevice]:
        return super().get_queryset(request).prefetch_related("user_devices__user")

    @admin.display(description="User")
    def holders(self, device: TemporaryDevice) -> str:
        return ", ".join(held.user.username for held in device.user_devices.all())

    @admin.display(description="Issued at", ordering="activated_at")
    def issued_at(self, device: TemporaryDevice) -> str:
        return _when(device.activated_at or device.created_at)

    @admin.display(description="Full access until")
    def full_access_until(self, device: TemporaryDevice) -> str:
        return _when(temporary_full_access_end(device))

    @admin.display(description="Portal only until")
    def portal_only_until(self, device: TemporaryDevice) -> str:
        end = temporary_portal_only_end(device)
        return _when(end) if end is not None else "-"

    @admin.display(description="Ends")
    def ends(self, device: TemporaryDevice) -> str:
        return _when(temporary_window_end(device))

    @admin.display(description="Usable now")
    def usable_now(self, device: TemporaryDevice) -> str:
        if device.state != Authenticator.State.ACTIVE:
            return f"No: {device.get_state_display().lower()}"
        access = temporary_access(authenticator=device, channel=Channel.PORTAL, at=timezone.now())
        if access.scope == Scope.FULL:
            return "Yes: full access"
        if access.scope == Scope.ONLINE_CARD_ONLY:
            return "Portal only: online security card"
        return "No: expired"
