"""What every support-desk list in the admin accepts from the browser: the ticked rows
of an action and the search box."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

LARGEST_ROW_ID = 2**63 - 1
LARGEST_ROW_ID_DIGITS = len(str(LARGEST_ROW_ID))
# Longer than any serial, user name, account number or IP address the lists are searched
# for; SQLite refuses LIKE patterns past 50,000 characters.
SEARCH_MAX_LENGTH = 200
NOT_ROWS_OF_THIS_LIST = (
    "No action was taken: the selection names rows that are not in this list. "
    "Tick the rows again and retry."
)


class ChangelistGuardMixin:
    """For every ModelAdmin. The ticked ids and the search come from the browser: a
    forged selection ("0.0", a number past the database's range) is refused with a
    message and changes nothing, and a search too long to be a name finds nothing,
    where Django would fail in the database query."""

    def response_action(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if all(_is_row_id(value) for value in selected):
            return super().response_action(request, queryset)
        self.message_user(request, NOT_ROWS_OF_THIS_LIST, messages.WARNING)
        return None

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        if len(search_term) > SEARCH_MAX_LENGTH:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)


def _is_row_id(value: str) -> bool:
    return (
        value.isascii()
        and value.isdigit()
        and len(value) <= LARGEST_ROW_ID_DIGITS
        and int(value) <= LARGEST_ROW_ID
    )


class ReadOnlyAdmin(ChangelistGuardMixin, admin.ModelAdmin):
    """Rows that only services write (the audit trail, the ledger, devices, requests):
    staff read them here, and change them only through the admin actions and views that
    call a service. Nobody adds, edits or deletes a row by hand, superusers included."""

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
