"""Trading sessions in the support desk: read-only, with one action that ends them, for a
caller who reports a stolen laptop or phone."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.admin_guards import ReadOnlyAdmin
from accounts.client_info import ClientInfo
from accounts.http import AuthenticatedHttpRequest
from trading.models import TradingSession
from trading.services.sessions import trading_session_end


@admin.register(TradingSession)
class TradingSessionAdmin(ReadOnlyAdmin):
    list_display = (
        "user",
        "approval_method",
        "device",
        "created_at",
        "authenticated_at",
        "expires_at",
        "ended_at",
        "end_reason",
    )
    list_filter = ("approval_method", "end_reason")
    search_fields = ("user__username",)
    list_select_related = ("user", "device__authenticator")
    exclude = ("token_digest",)
    actions = ["end_sessions"]

    @admin.action(description="End selected trading sessions", permissions=["end"])
    def end_sessions(
        self, request: AuthenticatedHttpRequest, queryset: QuerySet[TradingSession]
    ) -> None:
        client = ClientInfo.from_request(request)
        ended = sum(
            trading_session_end(session=s, reason="revoked", client=client, actor=request.user)
            for s in queryset.select_related("user", "device__authenticator")
        )
        self.message_user(request, f"Trading sessions ended: {ended}.", messages.SUCCESS)

    def has_end_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("trading.end_tradingsession")
