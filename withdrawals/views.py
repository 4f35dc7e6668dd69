"""Client Portal pages for withdrawals: review (tier, why, what is still available), the
device approval, the confirmation, and the client's history. Views parse and render; the
services decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.client_info import ClientInfo
from accounts.http import AuthenticatedHttpRequest
from accounts.services.lockout import lockout_is_active
from devices.decorators import verified_login_required
from withdrawals.forms import StepUpForm, WithdrawalForm
from withdrawals.models import Withdrawal, WithdrawalIntent
from withdrawals.selectors import withdrawal_capacity, withdrawal_history
from withdrawals.services.intents import (
    NO_APPROVING_DEVICE,
    approving_devices,
    withdrawal_intent_create,
)
from withdrawals.services.refusals import WithdrawalRefused
from withdrawals.services.requests import StepUp, withdrawal_request

HISTORY_ROWS = 50


@never_cache
@verified_login_required
@require_http_methods(["GET", "POST"])
def withdrawal_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    account = user.account
    if account is None:
        raise Http404("Support staff hold no account.")
    devices = approving_devices(user)
    form = WithdrawalForm(
        request.POST if request.method == "POST" else None,
        account=account,
        devices=devices,
        initial={"account": account.pk},
    )
    if request.method == "POST" and devices and form.is_valid():
        try:
            intent, _ = withdrawal_intent_create(
                user=user,
                account=form.cleaned_data["account"],
                amount=form.cleaned_data["amount"],
                destination=form.cleaned_data["destination"],
                device_id=form.cleaned_data["device"],
                client=ClientInfo.from_request(request),
            )
        except WithdrawalRefused as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("withdrawals:approve", token=intent.token)
    context = {
        "form": form,
        "devices": devices,
        "no_device": NO_APPROVING_DEVICE,
        "capacity": withdrawal_capacity(user, account, timezone.now()),
        "history": withdrawal_history(user)[:HISTORY_ROWS],
    }
    return render(request, "withdrawals/withdraw.html", context)


@sensitive_post_parameters("response")
@never_cache
@verified_login_required
@require_http_methods(["GET", "POST"])
def withdrawal_approve_view(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    user = request.user
    intent = (
        WithdrawalIntent.objects.select_related("device__authenticator", "account")
        .filter(token=token, user=user)
        .first()
    )
    if intent is None:
        raise Http404("No such withdrawal approval.")
    form = StepUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        data = form.cleaned_data if form.is_valid() else {}
        try:
            withdrawal = withdrawal_request(
                user=user,
                account=intent.account,
                amount=intent.amount,
                destination=intent.destination,
                step_up=StepUp(
                    intent_token=intent.token,
                    challenge_id=data.get("challenge"),
                    response=data.get("response", ""),
                ),
                client=ClientInfo.from_request(request),
            )
        except WithdrawalRefused as refusal:
            return _refused(request, intent, refusal)
        return redirect("withdrawals:detail", pk=withdrawal.pk)
    return _approve_page(request, intent, form)


@never_cache
@verified_login_required
def withdrawal_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The confirmation: only withdrawals of the client's own account exist here."""
    withdrawal = get_object_or_404(Withdrawal, pk=pk, account_id=request.user.account_id)
    return render(request, "withdrawals/confirmation.html", {"withdrawal": withdrawal})


def _approve_page(
    request: AuthenticatedHttpRequest, intent: WithdrawalIntent, form: StepUpForm
) -> HttpResponse:
    device = intent.device
    challenge = (
        device.challenges.filter(attempt=intent.attempt, used_at__isnull=True)
        .order_by("-pk")
        .first()
    )
    if challenge is not None and not intent.is_open(timezone.now()):
        challenge = None
    kind = device.authenticator.kind_behaviour
    if challenge is not None:
        form = StepUpForm(initial={"challenge": challenge.pk})
        form.fields["response"].label = kind.response_label
    context = {
        "intent": intent,
        "device": device,
        "challenge": challenge,
        "prompt": kind.prompt(challenge.value) if challenge is not None else "",
        "form": form,
        "capacity": withdrawal_capacity(request.user, intent.account, timezone.now()),
    }
    return render(request, "withdrawals/approve.html", context)


def _refused(
    request: AuthenticatedHttpRequest, intent: WithdrawalIntent, refusal: WithdrawalRefused
) -> HttpResponse:
    """A double submit of an approval already accepted lands on its confirmation; a wrong
    answer that completes a lockout (L3) ends the session as the login would."""
    intent.refresh_from_db(fields=["withdrawal"])
    if intent.withdrawal_id is not None:
        messages.info(request, "This withdrawal was already submitted; it was made once.")
        return redirect("withdrawals:detail", pk=intent.withdrawal_id)
    user = request.user
    user.refresh_from_db(fields=["locked_at", "last_failed_login_at"])
    if lockout_is_active(user=user, at=timezone.now()):
        auth_logout(request)
        messages.error(request, "Login failed")
        return redirect("accounts:login")
    messages.error(request, refusal.message)
    return redirect("withdrawals:withdraw")
