"""Client Portal pages for withdrawals: review (tier, why, what is still available), the
device approval, the confirmation, and the client's history. Views parse and render; the
services decide.

The form carries an idempotency key drawn when it is shown; the review keeps it in the
intent, and the approval makes the withdrawal under it. A review or an approval sent again
(a reload after a lost answer, a double click) lands on the withdrawal already made."""

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
from withdrawals.idempotency import KeyReused, idempotency_key_new
from withdrawals.models import Withdrawal, WithdrawalIntent
from withdrawals.selectors import withdrawal_capacity, withdrawal_history
from withdrawals.services.intents import (
    NO_APPROVING_DEVICE,
    approving_devices,
    withdrawal_intent_create,
)
from withdrawals.services.refusals import WithdrawalRefused
from withdrawals.services.repeats import AlreadyMade
from withdrawals.services.requests import StepUp, withdrawal_request

HISTORY_ROWS = 50
ALREADY_ACCEPTED = "This withdrawal was already accepted: it was made once, and only once."
FORM_REUSED = (
    "This form was already used for a withdrawal of another amount or destination; nothing "
    "was withdrawn now. Review the withdrawal again."
)


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
        initial={"account": account.pk, "idempotency_key": idempotency_key_new()},
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
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except AlreadyMade as made:
            return _already_accepted(request, made.withdrawal)
        except WithdrawalRefused as refusal:
            form.add_error(None, refusal.message)
        except KeyReused:
            form.key_renew()
            form.add_error(None, FORM_REUSED)
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
            accepted = withdrawal_request(
                user=user,
                account=intent.account,
                amount=intent.amount,
                destination=intent.destination,
                step_up=StepUp(
                    intent_token=intent.token,
                    challenge_id=data.get("challenge"),
                    response=data.get("response", ""),
                ),
                idempotency_key=intent.idempotency_key,
                client=ClientInfo.from_request(request),
            )
        except WithdrawalRefused as refusal:
            return _refused(request, intent, refusal)
        except KeyReused:
            messages.error(request, FORM_REUSED)
            return redirect("withdrawals:withdraw")
        if accepted.repeated:
            return _already_accepted(request, accepted.withdrawal)
        return redirect("withdrawals:detail", pk=accepted.withdrawal.pk)
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


def _already_accepted(request: AuthenticatedHttpRequest, withdrawal: Withdrawal) -> HttpResponse:
    """A request sent again under its key: the confirmation of the withdrawal it made."""
    messages.info(request, ALREADY_ACCEPTED)
    return redirect("withdrawals:detail", pk=withdrawal.pk)


def _refused(
    request: AuthenticatedHttpRequest, intent: WithdrawalIntent, refusal: WithdrawalRefused
) -> HttpResponse:
    """An approval already accepted through another channel, sent again here, lands on its
    confirmation; a wrong answer that completes a lockout (L3) ends the session as the
    login would."""
    intent.refresh_from_db(fields=["withdrawal"])
    if intent.withdrawal_id is not None:
        messages.info(request, ALREADY_ACCEPTED)
        return redirect("withdrawals:detail", pk=intent.withdrawal_id)
    user = request.user
    user.refresh_from_db(fields=["locked_at", "last_failed_login_at"])
    if lockout_is_active(user=user, at=timezone.now()):
        auth_logout(request)
        messages.error(request, "Login failed")
        return redirect("accounts:login")
    messages.error(request, refusal.message)
    return redirect("withdrawals:withdraw")
