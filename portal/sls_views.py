"""Settings → Secure Login System → "Secure Login Settings": opting out of SLS after the
risks page and a fresh second factor, and opting back in (O1, O2; KB2545, KB1198)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from accounts.client_info import ClientInfo
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Account
from accounts.settings_forms import OptOutForm, SlsChoiceForm
from devices.assurance import Action
from devices.decorators import security_settings_required, verified_login_required
from devices.fresh_factor import FreshFactorStep
from portal.services.sls import sls_opt_in, sls_opt_out

UPDATED_KEY = "sls_settings_updated"


@never_cache
@require_http_methods(["GET", "POST"])
@security_settings_required
def sls_configure_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The gear: keep or change whether trading needs the device."""
    account = _account(request)
    current = SlsChoiceForm.NOT_REQUIRED if account.sls_opted_out else SlsChoiceForm.REQUIRED
    form = SlsChoiceForm(request.POST or None, initial={"choice": current})
    if form.is_valid():
        choice = form.cleaned_data["choice"]
        if choice == current:
            messages.info(request, "Your settings are unchanged.")
            return redirect("accounts:secure_login")
        if choice == SlsChoiceForm.NOT_REQUIRED:
            return redirect("settings:sls_opt_out")
        sls_opt_in(user=request.user, client=ClientInfo.from_request(request))
        return _updated(request)
    return render(request, "accounts/sls_configure.html", {"form": form, "account": account})


@sensitive_post_parameters("response")
@never_cache
@require_http_methods(["GET", "POST"])
@security_settings_required
def sls_opt_out_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The risks (KB1198), then the device answered again, then the opt-out."""
    if _account(request).sls_opted_out:
        return redirect("settings:sls_configure")
    step = FreshFactorStep(request, Action.OPT_OUT)
    form = OptOutForm(request.POST or None)
    if form.is_valid() and step.available:
        proof = step.verify()
        if proof is not None:
            sls_opt_out(
                user=request.user, fresh_factor=proof, client=ClientInfo.from_request(request)
            )
            return _updated(request)
        locked = step.locked_out_response()
        if locked is not None:
            return locked
    return render(request, "accounts/sls_opt_out.html", {"form": form, **step.context()})


@never_cache
@require_GET
@verified_login_required
def sls_updated_view(request: HttpRequest) -> HttpResponse:
    """KB2545 step 8: the confirmation, with OK back to the Secure Login System page."""
    if not request.session.pop(UPDATED_KEY, False):
        return redirect("accounts:secure_login")
    return render(request, "accounts/sls_updated.html")


def _account(request: AuthenticatedHttpRequest) -> Account:
    """The account these settings belong to, as it is now. `security_settings_required`
    admits only an account's primary user, so a user without one does not get here."""
    account_id = request.user.account_id
    if account_id is None:
        raise Http404("Support staff hold no account.")
    return Account.objects.get(pk=account_id)


def _updated(request: HttpRequest) -> HttpResponse:
    request.session[UPDATED_KEY] = True
    return redirect("settings:sls_updated")
