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

NOT_ENDED = "none"


class EndReasonFilter(admin.SimpleListFilter):
    """Why sessions ended, as recorded, and the sessions that have not: Django's filter of a
    column's values would list their empty reason as a link without text."""

    title = "end reason"
    parameter_name = "end_reason"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        reasons = (
            TradingSession.objects.exclude(end_reason="")
            .order_by("end_reason")
            .values_list("end_reason", flat=True)
            .distinct()
        )
        return [(NOT_ENDED, "Not ended"), *((reason, reason) for reason in reasons)]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(end_reason="" if value == NOT_ENDED else value)


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
    list_filter = ("approval_method", EndReasonFilter)
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
