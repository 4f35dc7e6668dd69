"""Property-based tests of the support desk (issue 8): any seed file (bytes, CSV rows with
any cells, control characters included, broken XML), any assignment form, and any list
search, ordering, page, filter (each of the list's own, a year on any date column) or
action on any list give no server error; a refused import leaves the inventory as it was
(D4), and a query with control characters is a 400."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from devices.models import Authenticator
from devices.services.inventory import authenticator_build
from tests import bad_input
from tests.form_fuzz import (
    ANY_FIELD,
    ANY_VALUE,
    NUMBERS,
    bodies,
    holds_control_character,
    own_throttles,
    post_fuzzed,
)

pytestmark = pytest.mark.django_db

CSV_CELLS = st.lists(ANY_VALUE, min_size=0, max_size=4).map(",".join)
CSV_FILES = st.lists(CSV_CELLS, max_size=4).map(
    lambda rows: "\n".join(["serial,secret,suite", *rows]).encode("utf-8", "surrogatepass")
)
XML_FILES = st.text().map(
    lambda body: (
        '<?xml version="1.0"?><pskc:KeyContainer xmlns:pskc="urn:ietf:params:xml:ns:keyprov:'
        f'pskc" Version="1.0"><pskc:KeyPackage>{body}</pskc:KeyPackage></pskc:KeyContainer>'
    ).encode("utf-8", "surrogatepass")
)
SEED_FILES = st.one_of(st.binary(max_size=2000), CSV_FILES, XML_FILES)


@pytest.fixture
def superuser_client() -> Client:
    return bad_input.superuser_client()


@given(content=SEED_FILES, name=st.sampled_from(["cards.csv", "cards.pskcxml", "x", "é.txt"]))
@own_throttles
def test_D4_any_seed_file_is_imported_whole_or_refused_never_a_server_error(
    superuser_client, content, name
):
    before = Authenticator.objects.count()
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")

    response = post_fuzzed(
        superuser_client,
        reverse("admin:devices_authenticator_import"),
        {"file": upload},
        may_succeed=True,
    )

    if response.status_code != 302:
        assert Authenticator.objects.count() == before


@pytest.fixture
def card() -> Authenticator:
    card = authenticator_build(kind="dsc_plus", serial="DSCP-FUZZ", secret=b"k" * 32)
    card.save()
    return card


@given(data=st.data())
@own_throttles
def test_D4_assignment_form_never_fails_and_assigns_to_no_unknown_user(
    superuser_client, card, data
):
    kept = {"pin": "4821", "pin_again": "4821"}
    url = reverse("admin:devices_authenticator_assign", args=[card.pk])

    post_fuzzed(superuser_client, url, data.draw(bodies(fuzzed=("username",), kept=kept)))

    assert not Authenticator.objects.filter(serial="DSCP-FUZZ", user_devices__isnull=False).exists()


def action_names(model_admin: admin.ModelAdmin) -> list[str]:
    return ["delete_selected"] + [
        item if isinstance(item, str) else item.__name__ for item in model_admin.actions or []
    ]


FILTER_VALUES = st.one_of(ANY_VALUE, st.sampled_from(bad_input.YEARS_PAST_THE_CALENDAR))


@pytest.fixture
def query_parameters(superuser_client, model_admin) -> list[str]:
    """What the list's query string takes: search, ordering, page, the list's filters and
    a year on each of the model's date columns."""
    return [
        "q",
        "o",
        "p",
        *bad_input.filter_parameters(superuser_client, model_admin),
        *(f"{field}__year" for field in bad_input.date_fields(model_admin)),
    ]


@pytest.mark.parametrize("model_admin", bad_input.registered_admins(), ids=str)
@given(data=st.data())
@own_throttles
def test_D3_admin_lists_and_actions_never_fail(
    superuser_client, model_admin, query_parameters, data
):
    url = bad_input.changelist_url(model_admin)
    fields = {
        "action": st.one_of(st.sampled_from(action_names(model_admin)), ANY_FIELD),
        "_selected_action": st.one_of(st.lists(ANY_VALUE, max_size=3), NUMBERS),
        "index": ANY_FIELD,
        "select_across": ANY_FIELD,
    }
    body = data.draw(st.fixed_dictionaries({}, optional=fields))
    query = data.draw(
        st.fixed_dictionaries({}, optional=dict.fromkeys(query_parameters, FILTER_VALUES))
    )

    listed = superuser_client.get(url, query)

    assert listed.status_code in (200, 302, 400)
    if holds_control_character(query):
        assert listed.status_code == 400
    # Actions on ids the fuzzer happens to hit may work; none may fail.
    post_fuzzed(superuser_client, url, body, may_succeed=True)
