"""Issuing a temporary passcode from a user's page in the admin (T1, KB70, KB69).

The agent ticks which identification data the caller confirmed, with the data on file
beside each item to compare against, and says why the caller needs the code. The code is
in the one response that issues it and nowhere else: not in the session, a message or a
log, and the response is never cached. A one-time form token stops a reload of that
response from issuing a second code (which would end the first one) and so from showing
any code again.
"""

from __future__ import annotations

import hmac
import secrets

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from accounts.client_info import ClientInfo
from accounts.models import Client, User

from .models import Authenticator, TemporaryDevice
from .services.temporary import (
    IDENTIFICATION_ITEMS,
    MIN_CONFIRMED_ITEMS,
    PASSCODE_LENGTH,
    PASSCODE_REASONS,
    passcode_issue,
)
from .temporary import temporary_full_access_end, temporary_window_end

PERMISSION = "devices.issue_temporary_passcode"
TEMPLATES = "admin/accounts/user/"


def identification_on_file(client: Client) -> dict[str, str]:
    """The items of identification data held for `client`, as the agent reads them out.
    SSN and identification document are the same datum for a US person, so only one of
    the two is offered; an item with nothing on file is not offered at all."""
    document = f"{client.get_id_document_type_display()} {client.id_document_number}"
    on_file = {
        "date_of_birth": f"{client.date_of_birth:%Y-%m-%d}" if client.date_of_birth else "",
        "citizenship": f"{client.citizenship.name} ({client.citizenship.code})",
        "residence_country": f"{client.residence_country.name} ({client.residence_country.code})",
        "id_document": document if client.id_document_type != "ssn" else "",
        "ssn": client.id_document_number if client.id_document_type == "ssn" else "",
    }
    return {item: value for item, value in on_file.items() if value}


class PasscodeIssueForm(forms.Form):
    confirmed = forms.MultipleChoiceField(
        label="Identification data the caller confirmed",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=f"Tick only what the caller told you and matches the data on file; at least "
        f"{MIN_CONFIRMED_ITEMS} items.",
    )
    reason = forms.ChoiceField(
        label="Why the caller needs a temporary passcode",
        choices=list(PASSCODE_REASONS.items()),
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label="I verified the caller's identity by telephone and will read the code to them now",
    )

    def __init__(self, *args: object, client: Client, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirmed"].choices = [
            (item, f"{IDENTIFICATION_ITEMS[item]}: on file {value}")
            for item, value in identification_on_file(client).items()
        ]

    def clean_confirmed(self) -> list[str]:
        confirmed = self.cleaned_data["confirmed"]
        if len(confirmed) < MIN_CONFIRMED_ITEMS:
            raise ValidationError(
                f"Confirm at least {MIN_CONFIRMED_ITEMS} items of the caller's identification "
                "data before issuing a passcode."
            )
        return confirmed


class TemporaryPasscodeAdmin:
    """Adds `<id>/temporary-passcode/` to the user admin, in the style of contrib.auth's
    `<id>/password/` view: its own URL, the permission checked again inside."""

    def get_urls(self) -> list:
        return [
            path(
                "<id>/temporary-passcode/",
                self.admin_site.admin_view(self.temporary_passcode_view),
                name="accounts_user_temporary_passcode",
            ),
            *super().get_urls(),
        ]

    @method_decorator(sensitive_post_parameters())
    @method_decorator(never_cache)
    def temporary_passcode_view(self, request: HttpRequest, id: str) -> HttpResponse:
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        user = self.get_object(request, unquote(id))
        if user is None or user.client_id is None:
            raise Http404("No client's user with that ID.")
        form = PasscodeIssueForm(request.POST or None, client=user.client)
        if request.method == "POST" and form.is_valid():
            if not _token_take(request, user, request.POST.get("token", "")):
                messages.warning(
                    request,
                    "That form was already sent, or a newer one was opened: a passcode is "
                    "shown only once. Issue a new one below if the caller did not get it.",
                )
                return HttpResponseRedirect(request.path)
            try:
                return _issue(self, request, user, form)
            except ValidationError as exc:
                form.add_error(None, exc)
        return _render(
            self,
            request,
            "temporary_passcode.html",
            user,
            form=form,
            token=_token_new(request, user),
        )


@sensitive_variables("code")
def _issue(model_admin, request: HttpRequest, user: User, form: PasscodeIssueForm):
    code = passcode_issue(
        user=user,
        agent=request.user,
        confirmed=form.cleaned_data["confirmed"],
        reason=form.cleaned_data["reason"],
        client=ClientInfo.from_request(request),
    )
    device = TemporaryDevice.objects.filter(
        kind="temporary_passcode", state=Authenticator.State.ACTIVE, user_devices__user=user
    ).latest("activated_at")
    model_admin.log_change(request, user, f"Temporary passcode {device.serial} issued.")
    return _render(
        model_admin,
        request,
        "temporary_passcode_issued.html",
        user,
        code=code,
        device=device,
        full_access_until=temporary_full_access_end(device),
        portal_only_until=temporary_window_end(device),
    )


def _render(model_admin, request: HttpRequest, template: str, user: User, **context: object):
    return TemplateResponse(
        request,
        TEMPLATES + template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "original": user,
            "title": f"Issue a temporary passcode to {user.username}",
            "passcode_length": PASSCODE_LENGTH,
            **context,
        },
    )


def _token_key(user: User) -> str:
    return f"temporary_passcode_form:{user.pk}"


def _token_new(request: HttpRequest, user: User) -> str:
    token = secrets.token_urlsafe(16)
    request.session[_token_key(user)] = token
    return token


def _token_take(request: HttpRequest, user: User, token: str) -> bool:
    """True once per form shown: the token is spent whether or not it matches."""
    expected = request.session.pop(_token_key(user), "")
    return bool(expected) and hmac.compare_digest(expected, token)
