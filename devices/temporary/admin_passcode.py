"""Issuing a temporary passcode from a user's page in the admin (T1, KB70, KB69).

The agent types what the caller says for each item of identification data; the portal
compares it with the data on file (`accounts.services.identification`) and answers
"match" or "no match" per item. The data on file is never on the page: at most the last
four characters of a document number. What the agent typed is never sent back either.
Only when every required item matches is a passcode issued, with the reason the agent
gave. The code is in the one response that issues it and nowhere else: not in the
session, a message or a log, and the response is never cached. A one-time form token
stops a reload of a response from checking or issuing again (which would end the first
code) and so from showing any code again.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

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
from accounts.identification import (
    ANSWER_MAX_LENGTH,
    ITEMS,
    answer_normalize,
    identification_hint,
    identification_on_file,
    identification_required,
)
from accounts.models import Client, User
from accounts.services.identification import IdentificationResult, identification_check
from devices.kinds import Kind
from devices.models import Authenticator, TemporaryDevice
from devices.temporary.policy import temporary_full_access_end, temporary_window_end
from devices.temporary.services import PASSCODE_LENGTH, PASSCODE_REASONS, passcode_issue

PERMISSION = "devices.issue_temporary_passcode"
TEMPLATES = "admin/accounts/user/"


class BlindTextInput(forms.TextInput):
    """A text box that never sends back what was typed in it: a re-shown form must not
    carry the caller's SSN or date of birth."""

    def format_value(self, value: object) -> None:
        return None


class PasscodeIssueForm(forms.Form):
    """One box per item of identification data on file, then the reason. The answers
    are checked for shape here (a clear error, nothing counted); compared by the
    service."""

    reason = forms.ChoiceField(
        label="Why the caller needs a temporary passcode",
        choices=list(PASSCODE_REASONS.items()),
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label="I am on the telephone with the caller and will read the code to them now",
    )

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        required = identification_required(client)
        self.items = [item for item in ITEMS if item in identification_on_file(client)]
        for item in self.items:
            hint = identification_hint(client, item)
            needed = "required" if item in required else "optional: compared if you type it"
            self.fields[item] = forms.CharField(
                label=ITEMS[item],
                required=item in required,
                max_length=ANSWER_MAX_LENGTH,
                help_text=f"{hint}; {needed}" if hint else needed.capitalize(),
                widget=BlindTextInput(
                    attrs={
                        "autocomplete": "off",
                        "spellcheck": "false",
                        "placeholder": "YYYY-MM-DD" if item == "date_of_birth" else "",
                    }
                ),
            )
        self.order_fields([*self.items, "reason", "confirm"])

    def clean(self) -> dict:
        cleaned = super().clean()
        for item in self.items:
            answer = cleaned.get(item)
            if answer:
                try:
                    answer_normalize(item, answer)
                except ValidationError as error:
                    self.add_error(item, error)
        return cleaned

    def answers(self) -> dict[str, str]:
        return {item: self.cleaned_data.get(item) or "" for item in self.items}

    def answer_fields(self) -> list:
        return [self[item] for item in self.items]

    def other_fields(self) -> list:
        return [self["reason"], self["confirm"]]


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
        result = None
        if request.method == "POST" and form.is_valid():
            if not _token_take(request, user, request.POST.get("token", "")):
                messages.warning(
                    request,
                    "That form was already sent, or a newer one was opened: a passcode is "
                    "shown only once. Issue a new one below if the caller did not get it.",
                )
                return HttpResponseRedirect(request.path)
            try:
                result = identification_check(
                    user=user,
                    answers=form.answers(),
                    actor=request.user,
                    client=ClientInfo.from_request(request),
                )
                if result.passed:
                    return _issue(self, request, user, form, result)
                form.add_error(None, _refusal(result))
            except ValidationError as exc:
                form.add_error(None, exc)
        return _render(
            self,
            request,
            "temporary_passcode.html",
            user,
            form=form,
            result=_result_rows(result),
            token=_token_new(request, user),
        )


def _refusal(result: IdentificationResult) -> str:
    if result.throttled:
        minutes = -(-result.retry_after // 60)
        return (
            "Too many identification checks for this client: no passcode can be issued for "
            f"{minutes} minutes. The client's own login is not affected."
        )
    return (
        "The caller's identification data did not match the data on file: no passcode was "
        "issued. Do not tell the caller which item did not match."
    )


def _result_rows(result: IdentificationResult | None) -> list[tuple[str, str]]:
    """(item, "match" or "no match") per item compared, for the agent."""
    if result is None or result.throttled:
        return []
    return [(ITEMS[item], "match" if match else "no match") for item, match in result.items.items()]


@sensitive_variables("code")
def _issue(
    model_admin,
    request: HttpRequest,
    user: User,
    form: PasscodeIssueForm,
    result: IdentificationResult,
):
    code = passcode_issue(
        user=user,
        agent=request.user,
        identification=result,
        reason=form.cleaned_data["reason"],
        client=ClientInfo.from_request(request),
    )
    device = TemporaryDevice.objects.filter(
        kind=Kind.TEMPORARY_PASSCODE, state=Authenticator.State.ACTIVE, user_devices__user=user
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
        result=_result_rows(result),
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
