"""What every support-desk list in the admin accepts from the browser: the ticked rows
of an action, the search box and the filters of the query string."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import BadRequest, EmptyResultSet
from django.db import NotSupportedError
from django.db.models import QuerySet
from django.db.models.constants import LOOKUP_SEP
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
NOT_A_FILTER = "The list's filters name a value that no row can have."
# Lookups that no filter of the admin's pages makes, and that a query string cannot give
# well: a regular expression is the database's to parse, and a range or a set of JSON
# keys takes several values. A bad value fails the query where Django's admin no longer
# guards it.
REFUSED_LOOKUPS = frozenset({"regex", "iregex", "range", "has_keys", "has_any_keys"})


class GuardedChangeList(ChangeList):
    """A list whose filters from the query string make one query, or the answer is a 400.

    Django's admin answers a filter it cannot parse with a redirect to the unfiltered
    list, and some it does not see as wrong until the query runs, as a server error: a
    date-hierarchy year past the calendar (`at__year=10**30`, or 9999, whose next year
    does not exist) and values converted only when the SQL is written
    (`created_at__year=0`, `ip_address=word`, a JSON lookup SQLite lacks). Here each is
    a 400 before a row is read, rather than the whole list shown as if it were filtered."""

    def get_filters(self, request: HttpRequest):
        try:
            return super().get_filters(request)
        except (ArithmeticError, ValueError) as exc:  # the date hierarchy's bounds
            raise IncorrectLookupParameters(exc) from exc

    def get_queryset(self, request: HttpRequest, exclude_parameters=None) -> QuerySet:
        try:
            queryset = super().get_queryset(request, exclude_parameters)
            _compile(queryset)
        except IncorrectLookupParameters as exc:
            raise BadRequest(NOT_A_FILTER) from exc
        return queryset


def _compile(queryset: QuerySet) -> None:
    """Write the query's SQL without running it, which converts every filter's value."""
    try:
        queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # a filter no row can match: an empty list, not an error
        pass
    except (ArithmeticError, ValueError, NotSupportedError) as exc:
        raise IncorrectLookupParameters(exc) from exc


class ChangelistGuardMixin:
    """For every ModelAdmin. The ticked ids, the search and the filters come from the
    browser: a forged selection ("0.0", a number past the database's range) is refused
    with a message and changes nothing, a search too long to be a name finds nothing,
    where Django would fail in the database query, and a filter that cannot be a query
    is a 400 (GuardedChangeList)."""

    def get_changelist(self, request: HttpRequest, **kwargs: object) -> type[ChangeList]:
        return GuardedChangeList

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        """A refused lookup is a 400, as Django answers a lookup it does not allow."""
        if lookup.rsplit(LOOKUP_SEP, 1)[-1] in REFUSED_LOOKUPS:
            return False
        return super().lookup_allowed(lookup, value, request)

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
