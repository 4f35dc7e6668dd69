"""The authenticator app of the simulated phone (F3): an account added from the link or key
the portal showed; the phone's page shows the current codes (`phone_views.app_page`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from simulators.authenticator_app import authenticator_account_add
from simulators.cards import require_simulators
from simulators.phone_forms import AuthenticatorKeyForm
from simulators.phone_views import app_page, installation_get


@require_POST
def authenticator_add_view(request: HttpRequest, installation_id: str) -> HttpResponse:
    require_simulators()
    installation = installation_get(installation_id)
    form = AuthenticatorKeyForm(request.POST)
    if form.is_valid():
        try:
            account = authenticator_account_add(
                installation=installation,
                text=form.cleaned_data["key"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            form.add_error("key", error)
        else:
            messages.success(request, f"Added {account} to the authenticator app.")
            return redirect("phone:app", installation_id)
    return app_page(request, installation, authenticator_form=form)
