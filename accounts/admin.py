"""The support desk: clients, accounts and users, lockouts, the read-only audit trail, and
the Security Team's queue of changes asked for by opted-out clients (O3). The temporary
passcode view on a user's page is added by devices (devices.temporary.admin_passcode), which
registers its own subclass of `UserAdmin`: accounts knows nothing of devices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as ContribGroupAdmin
from django.contrib.auth.admin import UserAdmin as ContribUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.admin_guards import ChangelistGuardMixin, ReadOnlyAdmin
from accounts.client_info import ClientInfo
from accounts.dates import moment_text
from accounts.identification import identification_mask
from accounts.models import (
    Account,
    AuditEvent,
    AuditEventType,
    BankInstruction,
    Client,
    Deposit,
    SecurityTeamRequest,
    User,
)
from accounts.services.lockout import lockout_is_active, lockout_lift, lockout_locked_until
from accounts.services.security_requests import security_request_approve, security_request_reject


class SlsUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("username",)


class SlsUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(ChangelistGuardMixin, ContribUserAdmin):
    form = SlsUserChangeForm
    add_form = SlsUserCreationForm
    list_display = ("username", "client", "account", "is_staff", "lock_status", "last_login")
    list_filter = ("is_staff", "is_active", "groups")
    list_select_related = ("client", "account")
    search_fields = ("username", "email", "client__name", "account__number")
    ordering = ("username",)
    actions = ["lift_lockout"]
    readonly_fields = ("lock_status", "last_failed_login_at", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Client", {"fields": ("email", "client", "account")}),
        ("Login security", {"fields": ("lock_status", "last_failed_login_at", "last_login")}),
        ("Staff", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("date_joined",)}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
    )
    filter_horizontal = ("groups",)

    @admin.display(description="Lockout (L3)")
    def lock_status(self, user: User) -> str:
        if not lockout_is_active(user=user, at=timezone.now()):
            return "Not locked"
        return f"Locked until {moment_text(lockout_locked_until(user=user))}"

    @admin.action(description="Lift lockout of selected users", permissions=["lift_lockout"])
    def lift_lockout(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        lifted = [
            user.username
            for user in queryset
            if lockout_lift(
                user=user,
                actor=request.user,
                client=ClientInfo.from_request(request),
                reason="Lifted by support after verifying the caller by phone",
            )
        ]
        if lifted:
            self.message_user(request, f"Lockout lifted: {', '.join(lifted)}.", messages.SUCCESS)
        else:
            self.message_user(request, "None of the selected users was locked.", messages.INFO)

    def has_lift_lockout_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.lift_lockout")


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ChangelistGuardMixin, ContribGroupAdmin):
    """The staff roles (accounts.roles), with the support desk's checked actions."""


class BlindInput(forms.TextInput):
    """A box that never shows the value on file: typing replaces it, blank keeps it."""

    def format_value(self, value: object) -> None:
        return None


class ClientAdminForm(forms.ModelForm):
    """The date of birth and the document number are write-only on an existing client:
    the boxes start empty, and left empty they keep what is on file."""

    class Meta:
        model = Client
        fields = (
            "kind",
            "name",
            "date_of_birth",
            "citizenship",
            "residence_country",
            "id_document_type",
            "id_document_number",
            "address_line",
            "city",
            "postal_code",
            "address_country",
            "email",
        )
        widgets = {
            "date_of_birth": BlindInput(attrs={"placeholder": "YYYY-MM-DD"}),
            "id_document_number": BlindInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name in SENSITIVE_FIELDS:
            field = self.fields.get(name)
            if field is not None:
                field.required = False
                field.help_text = f"On file: {_masked(self.instance, name)}. Leave blank to keep."

    def _clean_kept(self, name: str) -> object:
        value = self.cleaned_data.get(name)
        if value in (None, "") and self.instance.pk is not None:
            return getattr(self.instance, name)
        return value

    def clean_date_of_birth(self) -> object:
        return self._clean_kept("date_of_birth")

    def clean_id_document_number(self) -> object:
        return self._clean_kept("id_document_number")

    @property
    def changed_data(self) -> list[str]:
        blank_kept = [
            name
            for name in SENSITIVE_FIELDS
            if self.instance.pk is not None and not self.data.get(self.add_prefix(name))
        ]
        return [name for name in super().changed_data if name not in blank_kept]


# Staff never see these in full (accounts.identification): at most a document number's
# last four characters.
SENSITIVE_FIELDS = ("date_of_birth", "id_document_number")
MASKED_FIELDS = {"date_of_birth": "date_of_birth_on_file", "id_document_number": "document_on_file"}


def _masked(client: Client, name: str) -> str:
    if name == "date_of_birth":
        return "a date of birth, not shown" if client.date_of_birth else "none"
    return identification_mask(client.id_document_number)


@admin.register(Client)
class ClientAdmin(ChangelistGuardMixin, admin.ModelAdmin):
    """Clients' identification data is never shown in full: the list leaves it out, the
    page shows the document number's last four characters and no date of birth, and the
    search does not look into document numbers (which would tell, digit by digit, whether
    a guess is on file)."""

    form = ClientAdminForm
    list_display = ("name", "kind", "citizenship", "residence_country", "id_document_type")
    list_filter = ("kind", "residence_country")
    search_fields = ("name",)
    readonly_fields = tuple(MASKED_FIELDS.values())

    def get_fields(self, request: HttpRequest, obj: Client | None = None) -> list[str]:
        fields = [
            name for name in super().get_fields(request, obj) if name not in MASKED_FIELDS.values()
        ]
        if obj is None:
            return fields
        if self.has_change_permission(request, obj):
            return fields
        return [MASKED_FIELDS.get(name, name) for name in fields]

    @admin.display(description="date of birth")
    def date_of_birth_on_file(self, client: Client) -> str:
        return _masked(client, "date_of_birth")

    @admin.display(description="identification document number")
    def document_on_file(self, client: Client) -> str:
        return _masked(client, "id_document_number")


@admin.register(Account)
class AccountAdmin(ChangelistGuardMixin, admin.ModelAdmin):
    list_display = ("number", "title", "base_currency", "equity", "primary_user", "sls_opted_out")
    list_filter = ("sls_opted_out",)
    list_select_related = ("primary_user",)
    search_fields = ("number", "title", "primary_user__username")


class EventTypeFilter(admin.SimpleListFilter):
    """The event types as the code names them (the column holds no choices)."""

    title = "event type"
    parameter_name = "event_type"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in AuditEventType.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return queryset if value is None else queryset.filter(event_type=value)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only for everyone, superusers included: the trail is append-only."""

    list_display = (
        "at",
        "event",
        "outcome",
        "subject_username",
        "actor_username",
        "ip_address",
    )
    list_filter = (EventTypeFilter, "outcome")
    search_fields = ("subject_username", "actor_username", "ip_address")
    date_hierarchy = "at"
    list_select_related = False

    @admin.display(description="event type", ordering="event_type")
    def event(self, obj: AuditEvent) -> str:
        return obj.event_label


@admin.register(SecurityTeamRequest)
class SecurityTeamRequestAdmin(ReadOnlyAdmin):
    """The Security Team calls the client, then approves (the change is applied) or rejects."""

    list_display = ("requested_at", "kind", "user", "account", "status", "decided_by")
    list_filter = ("status", "kind")
    list_select_related = ("user", "account", "decided_by")
    search_fields = ("user__username", "account__number")
    actions = ["approve", "reject"]

    @admin.action(
        description="Approve and apply (client confirmed by phone)", permissions=["decide"]
    )
    def approve(self, request: HttpRequest, queryset: QuerySet[SecurityTeamRequest]) -> None:
        self._decide(request, queryset, security_request_approve, "Approved and applied")

    @admin.action(description="Reject (client did not confirm)", permissions=["decide"])
    def reject(self, request: HttpRequest, queryset: QuerySet[SecurityTeamRequest]) -> None:
        self._decide(request, queryset, security_request_reject, "Rejected")

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.decide_securityteamrequest")

    def _decide(self, request, queryset, service, done: str) -> None:
        for item in queryset:
            try:
                service(request=item, agent=request.user, client=ClientInfo.from_request(request))
            except ValidationError as error:
                self.message_user(request, f"{item}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{done}: {item.get_kind_display()} of {item.user}.")


@admin.register(BankInstruction)
class BankInstructionAdmin(ReadOnlyAdmin):
    list_display = ("account", "bank_name", "account_holder", "updated_at")
    search_fields = ("account__number", "account_holder")


@admin.register(Deposit)
class DepositAdmin(ReadOnlyAdmin):
    list_display = ("requested_at", "account", "method", "amount", "user")
    list_filter = ("method",)
    search_fields = ("account__number", "user__username")
