"""The device inventory for the support desk: cards in stock, seed-file import, assignment.

Device rows change only through services (import, assign), never through a raw admin
save: a save of a form loaded a minute ago would write back a stale counter or PIN. So the
model pages are read-only, and the two writes are their own views in contrib.auth's
`UserAdmin` password-view style, each checking its permission again inside.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

import devices.sharing.admin  # noqa: F401  (registers Compliance's share pages, H3)
from accounts.admin import UserAdmin as AccountsUserAdmin
from accounts.admin_guards import ReadOnlyAdmin
from accounts.client_info import ClientInfo
from accounts.models import User
from devices.importers import devices_import
from devices.models import (
    Authenticator,
    Challenge,
    SecurityDevice,
    SelfRegisteredDevice,
    TemporaryDevice,
)
from devices.self_registered.admin import PossiblyClonedFilter, SelfRegisteredDeviceAdmin
from devices.services.inventory import NOT_ASSIGNED_BY_STAFF, authenticator_assign
from devices.temporary.admin import DeviceReportActions, TemporaryDeviceAdmin
from devices.temporary.admin_passcode import TemporaryPasscodeAdmin

sensitive_pins = method_decorator(sensitive_post_parameters("pin", "pin_again"))


class SeedFileForm(forms.Form):
    file = forms.FileField(
        label="Seed file",
        help_text="PSKC (RFC 6030) or CSV with the header serial,secret (hex) and optional suite.",
    )


class AssignForm(forms.Form):
    username = forms.CharField(label="Client's user name", max_length=150)
    pin = forms.CharField(
        label="PIN",
        required=False,
        strip=False,
        max_length=4,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        help_text="The 4-digit PIN the client chose, for cards with a PIN pad (DSC+).",
    )
    pin_again = forms.CharField(
        label="PIN again",
        required=False,
        strip=False,
        max_length=4,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_username(self) -> User:
        user = User.objects.filter(
            username=self.cleaned_data["username"], client__isnull=False
        ).first()
        if user is None:
            raise ValidationError("No client's user has that user name.")
        return user

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("pin") != cleaned.get("pin_again"):
            self.add_error("pin_again", "The two PINs differ.")
        return cleaned


@admin.register(Authenticator)
class AuthenticatorAdmin(DeviceReportActions, ReadOnlyAdmin):
    list_display = ("serial", "kind", "state", "created_at", "last_used_at")
    list_filter = ("kind", "state", PossiblyClonedFilter)
    search_fields = ("serial", "user_devices__user__username")
    # Seeds, PINs and counters stay off every page (D4): only whether they are set.
    fields = (
        "serial",
        "kind",
        "state",
        "ocra_suite",
        "otp_mode",
        "otp_digits",
        "secret_status",
        "pin_status",
        "created_at",
        "shipped_at",
        "activated_at",
        "last_used_at",
    )
    readonly_fields = fields

    @admin.display(description="Secret")
    def secret_status(self, authenticator: Authenticator) -> str:
        return "Set, encrypted" if authenticator.secret else "None"

    @admin.display(description="PIN")
    def pin_status(self, authenticator: Authenticator) -> str:
        return "Set" if authenticator.pin else "Not set"

    def get_urls(self) -> list:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "<path:object_id>/assign/",
                self.admin_site.admin_view(self.assign_view),
                name="{}_{}_assign".format(*info),
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("devices.add_authenticator"):
            raise PermissionDenied
        form = SeedFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                cards = devices_import(
                    path_or_file=upload,
                    filename=upload.name,
                    actor=request.user,
                    client=ClientInfo.from_request(request),
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                messages.success(request, f"Imported {len(cards)} cards from {upload.name}.")
                return HttpResponseRedirect(reverse("admin:devices_authenticator_changelist"))
        return self._render(request, "import.html", form=form, title="Import seed file")

    @sensitive_pins
    def assign_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not request.user.has_perm("devices.change_authenticator"):
            raise PermissionDenied
        authenticator = self.get_object(request, unquote(object_id))
        if authenticator is None:
            raise Http404(f"No authenticator with ID {object_id!r}.")
        change_page = reverse("admin:devices_authenticator_change", args=[authenticator.pk])
        if authenticator.kind_behaviour.self_registered:
            # F1, F3: only its holder registers a key or an app, from the portal.
            messages.error(request, NOT_ASSIGNED_BY_STAFF)
            return HttpResponseRedirect(change_page)
        form = AssignForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            user = form.cleaned_data["username"]
            try:
                authenticator_assign(
                    authenticator=authenticator,
                    user=user,
                    pin=form.cleaned_data["pin"],
                    actor=request.user,
                    client=ClientInfo.from_request(request),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.log_change(request, authenticator, f"Assigned to {user.username}.")
                messages.success(request, f"{authenticator} is now {user.username}'s device.")
                return HttpResponseRedirect(change_page)
        return self._render(
            request,
            "assign.html",
            form=form,
            original=authenticator,
            title=f"Assign {authenticator}",
        )

    def _render(self, request: HttpRequest, template: str, **context: object) -> TemplateResponse:
        return TemplateResponse(
            request,
            f"admin/devices/authenticator/{template}",
            {**self.admin_site.each_context(request), "opts": self.opts, **context},
        )


admin.site.register(TemporaryDevice, TemporaryDeviceAdmin)
admin.site.register(SelfRegisteredDevice, SelfRegisteredDeviceAdmin)

# The user's page gains the temporary passcode view (T1) here, where the passcodes live:
# accounts registers its UserAdmin knowing nothing of devices, and devices, the floor
# above, puts its own subclass in its place (importing accounts.admin first registers it).
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(TemporaryPasscodeAdmin, AccountsUserAdmin):
    """accounts' user admin with `<id>/temporary-passcode/` (devices.temporary.admin_passcode)."""


@admin.register(SecurityDevice)
class SecurityDeviceAdmin(ReadOnlyAdmin):
    list_display = ("user", "authenticator", "confirmed")
    list_filter = ("confirmed", "authenticator__kind")
    list_select_related = ("user", "authenticator")
    search_fields = ("user__username", "authenticator__serial")
    fields = ("user", "authenticator", "name", "confirmed", "created_at")


@admin.register(Challenge)
class ChallengeAdmin(ReadOnlyAdmin):
    list_display = ("pk", "device", "created_at", "expires_at", "used_at")
    list_select_related = ("device__user", "device__authenticator")
    # The attempt token stays off: it binds a challenge to one login session.
    fields = ("device", "value", "created_at", "expires_at", "used_at")
