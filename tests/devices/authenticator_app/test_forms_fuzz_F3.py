"""Property-based tests of adding an authenticator app (F3): whatever is posted to its two
pages, no server error, no app without the right first code, and a name is only ever kept
clean."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.models import Authenticator, AuthenticatorAppEnrolment
from devices.services.device_names import NAME_MAX_LENGTH
from tests.accounts.sls_helpers import fresh_factor_fields, logged_in
from tests.devices.authenticator_app.helpers import CONFIRM, START, start
from tests.factories import UserFactory
from tests.form_fuzz import bodies, own_throttles, post_fuzzed

pytestmark = pytest.mark.django_db


def no_app_added() -> bool:
    return not Authenticator.objects.filter(kind="authenticator_app").exists()


@given(data=st.data())
@own_throttles
def test_F3_name_page_never_fails_and_keeps_only_clean_names(db, data):
    user = UserFactory()
    browser = logged_in(user)
    kept = fresh_factor_fields(browser.get(START))

    post_fuzzed(browser, START, data.draw(bodies(fuzzed=("name",), kept=kept)), may_succeed=True)

    for enrolment in AuthenticatorAppEnrolment.objects.filter(user=user):
        name = enrolment.name
        assert name and name == name.strip() and len(name) <= NAME_MAX_LENGTH
        assert not any(unicodedata.category(c).startswith("C") for c in name)
    assert no_app_added()


@given(data=st.data())
@own_throttles
def test_F3_first_code_page_never_fails_and_adds_nothing_unproven(db, data):
    browser = logged_in(UserFactory())
    assert start(browser).url == CONFIRM

    post_fuzzed(browser, CONFIRM, data.draw(bodies(fuzzed=("code",))))

    assert no_app_added()
