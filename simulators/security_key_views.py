"""The simulated security key's page: make a key, then answer a page's creation or request
options with it, as a browser with the key plugged in would. The answer is JSON to paste
back where the page takes the key's answer."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from simulators.cards import require_simulators
from simulators.models import SimulatedSecurityKey
from simulators.security_key_forms import KeyCreateForm, KeyRegisterForm, KeySignForm
from simulators.security_keys import (
    SecurityKeyError,
    default_origin,
    security_key_create,
    security_key_register,
    security_key_sign,
    security_key_sign_count,
)


@never_cache
@require_http_methods(["GET", "POST"])
def security_key_view(request: HttpRequest) -> HttpResponse:
    require_simulators()
    create_form = KeyCreateForm(request.POST or None)
    if create_form.is_valid():
        key = security_key_create(label=create_form.cleaned_data["label"])
        return redirect(f"{reverse('simulators:security_key')}?key={key.serial}")
    return _page(request, create_form=create_form)


@never_cache
@require_POST
def security_key_register_view(request: HttpRequest) -> HttpResponse:
    require_simulators()
    form = KeyRegisterForm(request.POST)
    output = ""
    if form.is_valid():
        try:
            output = _json(
                security_key_register(
                    serial=form.cleaned_data["key"].serial,
                    options=form.cleaned_data["options"],
                    origin=form.cleaned_data["origin"],
                    user_verified=form.cleaned_data["user_verified"],
                )
            )
        except SecurityKeyError as error:
            form.add_error(None, str(error))
    return _page(request, register_form=form, output=output, answered="register")


@never_cache
@require_POST
def security_key_sign_view(request: HttpRequest) -> HttpResponse:
    require_simulators()
    form = KeySignForm(request.POST)
    output = ""
    if form.is_valid():
        try:
            output = _json(
                security_key_sign(
                    serial=form.cleaned_data["key"].serial,
                    options=form.cleaned_data["options"],
                    origin=form.cleaned_data["origin"],
                    user_verified=form.cleaned_data["user_verified"],
                    cloned=form.cleaned_data["cloned"],
                )
            )
        except SecurityKeyError as error:
            form.add_error(None, str(error))
    return _page(request, sign_form=form, output=output, answered="sign")


def _page(
    request: HttpRequest,
    *,
    create_form: KeyCreateForm | None = None,
    register_form: KeyRegisterForm | None = None,
    sign_form: KeySignForm | None = None,
    output: str = "",
    answered: str = "",
) -> HttpResponse:
    """The one page, with the form that was posted bound and the others fresh; a key named
    in the query string (`?key=SIMKEY-…`) is preselected."""
    initial = {"key": request.GET.get("key", ""), "origin": default_origin()}
    keys = [(key, security_key_sign_count(key)) for key in SimulatedSecurityKey.objects.all()]
    context: dict[str, Any] = {
        "keys": keys,
        "create_form": create_form or KeyCreateForm(),
        "register_form": register_form or KeyRegisterForm(initial=initial),
        "sign_form": sign_form or KeySignForm(initial=initial),
        "output": output,
        "answered": answered,
        "origin": default_origin(),
    }
    return render(request, "simulators/security_key.html", context)


def _json(answer: dict[str, Any]) -> str:
    """On one line: it goes into one form field."""
    return json.dumps(answer, separators=(",", ":"))
