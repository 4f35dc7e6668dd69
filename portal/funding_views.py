"""Bank instructions, the e-mail address and ACH/EFT deposits (O3): what opting out of
SLS turns from self-service into a request for the Security Team, or caps."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.client_info import ClientInfo
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Account, SecurityTeamRequest
from accounts.selectors import ach_eft_funded_total, ach_eft_still_allowed, bank_instructions_of
from accounts.services.deposits import deposit_request
from accounts.settings_forms import BankInstructionsForm, DepositForm, EmailChangeForm
from devices.assurance import Action
from devices.decorators import security_settings_required, verified_login_required
from devices.fresh_factor import FreshFactorStep
from devices.services.fresh_factor import FreshFactor
from devices.services.self_service import ChangeOutcome, bank_instructions_change, email_change

QUEUED = (
    "Your request was sent to the Security Team: a member of the team will call you before "
    "the change is made."
)


@sensitive_post_parameters("response", "account_number", "routing_number")
@never_cache
@require_http_methods(["GET", "POST"])
@security_settings_required
def bank_instructions_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    step = FreshFactorStep(request, Action.CHANGE_BANK_INSTRUCTIONS)
    form = BankInstructionsForm(request.POST or None)
    if form.is_valid():
        response = _with_fresh_factor(
            request,
            step,
            form,
            lambda proof: bank_instructions_change(
                user=request.user,
                details=form.details,
                fresh_factor=proof,
                client=ClientInfo.from_request(request),
            ),
            applied="Your bank instructions have been updated.",
        )
        if response is not None:
            return response
    context = {
        "form": form,
        "current": bank_instructions_of(request.user),
        "pending": _pending(request, SecurityTeamRequest.Kind.BANK_INSTRUCTIONS),
        "security_team_route": not step.available,
        **step.context(),
    }
    return render(request, "accounts/bank_instructions.html", context)


@sensitive_post_parameters("response")
@never_cache
@require_http_methods(["GET", "POST"])
@verified_login_required
def email_change_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.account_id is None:
        raise PermissionDenied("E-mail changes here are for clients' users.")
    step = FreshFactorStep(request, Action.CHANGE_EMAIL)
    form = EmailChangeForm(request.POST or None)
    if form.is_valid():
        response = _with_fresh_factor(
            request,
            step,
            form,
            lambda proof: email_change(
                user=request.user,
                email=form.cleaned_data["email"],
                fresh_factor=proof,
                client=ClientInfo.from_request(request),
            ),
            applied="Your e-mail address has been updated.",
        )
        if response is not None:
            return response
    context = {
        "form": form,
        "pending": _pending(request, SecurityTeamRequest.Kind.EMAIL),
        "security_team_route": not step.available,
        **step.context(),
    }
    return render(request, "accounts/email_change.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@verified_login_required
def deposit_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    account_id = request.user.account_id
    if account_id is None:
        raise PermissionDenied("Deposits are made to clients' accounts.")
    form = DepositForm(request.POST or None, account_id=account_id)
    if form.is_valid():
        try:
            deposit = deposit_request(
                user=request.user,
                account=form.cleaned_data["account"],
                amount=form.cleaned_data["amount"],
                method=form.cleaned_data["method"],
                client=ClientInfo.from_request(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Your {deposit.get_method_display()} deposit of USD {deposit.amount:,.2f} "
                "was accepted.",
            )
            return redirect("settings:deposit")
    account = Account.objects.get(pk=account_id)
    context = {
        "form": form,
        "account": account,
        "funded": ach_eft_funded_total(account),
        "still_allowed": ach_eft_still_allowed(account),
    }
    return render(request, "accounts/deposit.html", context)


def _with_fresh_factor(
    request: AuthenticatedHttpRequest,
    step: FreshFactorStep,
    form: forms.Form,
    change: Callable[[FreshFactor | None], ChangeOutcome],
    applied: str,
) -> HttpResponse | None:
    """Verify the device answer, then make the change; None re-renders the page (a wrong
    answer, counted, or a change the service refused), with the reason on the form. With
    no device that may approve it, the change goes to the Security Team unverified: their
    call to the client is the check."""
    proof = step.verify() if step.available else None
    if step.available and proof is None:
        return step.locked_out_response()
    try:
        outcome = change(proof)
    except ValidationError as error:
        form.add_error(None, error)
        return None
    messages.success(request, applied if outcome.applied else QUEUED)
    return redirect(request.path)


def _pending(request: AuthenticatedHttpRequest, kind: str) -> SecurityTeamRequest | None:
    return SecurityTeamRequest.objects.filter(
        user=request.user, kind=kind, status=SecurityTeamRequest.Status.PENDING
    ).first()
