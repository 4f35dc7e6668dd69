"""Compliance clears pending device shares in the admin (H3): read-only pages showing both
clients' identification data side by side, masked (no date of birth, at most the last four
characters of a document number), with whether each item is the same on both records; and
two actions whose reason, typed in the action bar, goes into the audit trail."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join

from accounts.admin_guards import ReadOnlyAdmin
from accounts.client_info import ClientInfo
from accounts.identification import identification_mask
from accounts.models import Client
from devices.models import DeviceShare
from devices.sharing.rules import IDENTIFICATION_FIELDS, identification_compare
from devices.sharing.services import share_approve, share_reject


class DecisionForm(ActionForm):
    reason = forms.CharField(
        label="Reason", required=False, max_length=500, help_text="Recorded in the audit trail."
    )


@admin.register(DeviceShare)
class DeviceShareAdmin(ReadOnlyAdmin):
    action_form = DecisionForm
    actions = ["approve", "reject"]
    list_display = ("pk", "requester", "owner", "authenticator", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("requester", "owner", "authenticator")
    search_fields = ("requester__username", "owner__username", "authenticator__serial")
    fields = (
        "requester",
        "owner",
        "authenticator",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
        "reason",
        "cancelled_at",
        "requester_identification",
        "owner_identification",
        "identification_comparison",
    )
    readonly_fields = fields

    @admin.display(description="Requester's identification data")
    def requester_identification(self, share: DeviceShare) -> str:
        return _identification(share.requester.client)

    @admin.display(description="Owner's identification data")
    def owner_identification(self, share: DeviceShare) -> str:
        return _identification(share.owner.client)

    @admin.display(description="Identification data on both records")
    def identification_comparison(self, share: DeviceShare) -> str:
        first, second = share.requester.client, share.owner.client
        if first is None or second is None:
            return "No client (staff user)"
        return format_html_join(
            ", ",
            "{}: {}",
            (
                (_label(name), "same" if same else "different")
                for name, same in identification_compare(first, second).items()
            ),
        )

    @admin.action(description="Approve selected pending shares", permissions=["decide"])
    def approve(self, request: HttpRequest, queryset: QuerySet[DeviceShare]) -> None:
        self._decide(request, queryset, share_approve, "approved")

    @admin.action(description="Reject selected pending shares", permissions=["decide"])
    def reject(self, request: HttpRequest, queryset: QuerySet[DeviceShare]) -> None:
        self._decide(request, queryset, share_reject, "rejected")

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("devices.decide_deviceshare")

    def _decide(self, request, queryset, service, done: str) -> None:
        """Each share on its own: one refused (not pending, H1 broken) leaves the rest."""
        reason = request.POST.get("reason", "").strip()
        client = ClientInfo.from_request(request)
        decided = []
        for share in queryset.select_related("requester", "authenticator"):
            try:
                service(share=share, actor=request.user, reason=reason, client=client)
            except ValidationError as error:
                problem = " ".join(error.messages)
                self.message_user(request, f"Share {share.pk}: {problem}", messages.ERROR)
            else:
                decided.append(str(share.pk))
        if decided:
            self.message_user(request, f"Shares {done}: {', '.join(decided)}.", messages.SUCCESS)


def _identification(client: Client | None) -> str:
    if client is None:
        return "No client (staff user)"
    return format_html_join(
        ", ", "{}: {}", ((_label(name), _shown(client, name)) for name in IDENTIFICATION_FIELDS)
    )


def _label(name: str) -> str:
    return Client._meta.get_field(name).verbose_name


def _shown(client: Client, name: str) -> str:
    """What staff may see of a field: the date of birth not at all, the document number
    by its last four characters, the rest as it is."""
    value = getattr(client, name)
    if name == "date_of_birth":
        return "not shown" if value else "—"
    if name == "id_document_number":
        return identification_mask(value)
    display = getattr(client, f"get_{name}_display", None)
    return (display() if display else value) or "—"
