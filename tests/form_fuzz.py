"""Property-based fuzzing of the portal's forms through the test client and the real views.

Each example posts a body where some fields hold anything at all (unicode, NUL and other
control characters, very long strings, numbers out of range, several values for one field)
or are missing, beside an unknown extra field. The view must never answer with a server
error, a body with control characters is refused with a 400 before any view, and when a
field that decides the outcome (a password, a device's answer) is fuzzed, nothing may
succeed: no audit event of success is written."""

from __future__ import annotations

import functools
import operator
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse
from django.test import Client, override_settings
from hypothesis import strategies as st

from accounts.models import AuditEvent
from accounts.models.audit import AuditEventType, AuditOutcome
from accounts.validators import has_control_character
from tests.bad_input import CONTROL_CHARACTERS


def own_throttles(test: Callable) -> Callable:
    """Each example gets throttle counters of its own (a fresh cache key prefix): the
    examples of one test share one process and one address, and counted together they would
    test the throttles (which have tests of their own) instead of the form."""

    @functools.wraps(test)
    def example(*args: object, **kwargs: object) -> None:
        prefix = f"fuzz-{uuid.uuid4().hex}"
        with override_settings(
            CACHES={
                alias: {**params, "KEY_PREFIX": prefix} for alias, params in settings.CACHES.items()
            }
        ):
            test(*args, **kwargs)

    return example


LONG = st.builds(
    operator.mul,
    st.sampled_from(["a", "9", "\u00e9", "\x00", "\U0001f600", " ", "<script>"]),
    st.integers(min_value=100, max_value=20_000),
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
# Strings that look like numbers to some parsers and not to others: unicode digits that
# str.isdigit() accepts but int() refuses, signs, exponents, spaces, NUL, out-of-range ids.
TRICKY = st.sampled_from(
    ["\u00b2", "\u0661\u0662", "\U0001d7d9", "0x10", "1e3", "-1", "+1", " 1", "1\x00", "9" * 30]
)
# Text with a control character somewhere in it, which the portal refuses wherever it is.
WITH_CONTROL_CHARACTER = st.builds(
    "{}{}{}".format, st.text(max_size=8), st.sampled_from(CONTROL_CHARACTERS), st.text(max_size=8)
)
ANY_VALUE = st.one_of(st.text(), LONG, NUMBERS, TRICKY, WITH_CONTROL_CHARACTER, st.just(""))
# A value, or the same field repeated with several values.
ANY_FIELD = st.one_of(ANY_VALUE, st.lists(ANY_VALUE, min_size=2, max_size=3))


def bodies(*, fuzzed: tuple[str, ...], kept: dict[str, object] | None = None) -> st.SearchStrategy:
    """Form bodies: `fuzzed` fields hold anything or are missing; `kept` fields hold their
    valid value, anything, or are missing; sometimes an unknown field comes along."""
    optional = {name: ANY_FIELD for name in fuzzed}
    for name, value in (kept or {}).items():
        optional[name] = st.one_of(st.just(value), st.just(value), ANY_FIELD)
    optional["unexpected_field"] = ANY_FIELD
    return st.fixed_dictionaries({}, optional=optional)


def successes() -> int:
    """Audit events of something that worked (notices sent are not an outcome of input)."""
    return (
        AuditEvent.objects.filter(outcome=AuditOutcome.SUCCESS)
        .exclude(event_type=AuditEventType.NOTICE_SENT)
        .count()
    )


def holds_control_character(value: object) -> bool:
    """Whether a query or form body (names, values, lists of values) holds a control
    character; an uploaded file's contents are not looked at."""
    if isinstance(value, str):
        return has_control_character(value)
    if isinstance(value, dict):
        return any(holds_control_character(item) for pair in value.items() for item in pair)
    if isinstance(value, list | tuple):
        return any(holds_control_character(item) for item in value)
    return False


def post_fuzzed(
    client: Client, url: str, body: dict[str, object], *, may_succeed: bool = False
) -> HttpResponse:
    """Post `body`; a server error fails here (the test client re-raises view exceptions),
    and control characters are refused before the view. Unless the fuzzed fields leave room
    for a valid form (`may_succeed`), nothing succeeds."""
    before = successes()
    response = client.post(url, body)
    assert response.status_code < 500, response.content[:2000]
    if holds_control_character(body):
        assert response.status_code == 400, response.content[:2000]
    if not may_succeed:
        assert successes() == before, list(AuditEvent.objects.values("event_type", "outcome")[:5])
    return response
