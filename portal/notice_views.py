"""Portal notices on the dashboard (T6): dismissing one marks it read."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.services.notices import notice_dismiss
from devices.decorators import verified_login_required


@verified_login_required
@require_POST
def notice_dismiss_view(request: AuthenticatedHttpRequest, notice_id: int) -> HttpResponse:
    notice_dismiss(user=request.user, notice_id=notice_id)
    return redirect("accounts:dashboard")
