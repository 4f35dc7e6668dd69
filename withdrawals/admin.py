"""The ledger in the support desk: read-only. Nobody adds, changes or deletes a withdrawal
here; the database would refuse the change anyway."""

from django.contrib import admin

from accounts.admin_guards import ReadOnlyAdmin
from withdrawals.models import Withdrawal


@admin.register(Withdrawal)
class WithdrawalAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "account", "user", "amount", "currency", "tier", "business_day"]
    list_filter = ["tier", "business_day"]
    search_fields = ["account__number", "user__username", "destination"]
    date_hierarchy = "business_day"
    list_select_related = ["account", "user"]
