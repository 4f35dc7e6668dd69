"""The ledger in the support desk: read-only. Nobody adds, changes or deletes a withdrawal
here; the database would refuse the change anyway."""

from django.contrib import admin

from accounts.admin_guards import ChangelistGuardMixin

from .models import Withdrawal


@admin.register(Withdrawal)
class WithdrawalAdmin(ChangelistGuardMixin, admin.ModelAdmin):
    list_display = ["created_at", "account", "user", "amount", "currency", "tier", "business_day"]
    list_filter = ["tier", "business_day"]
    search_fields = ["account__number", "user__username", "destination"]
    date_hierarchy = "business_day"
    list_select_related = ["account", "user"]
    readonly_fields = [field.name for field in Withdrawal._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
