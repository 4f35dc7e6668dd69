"""One place per kind: the `Kind` choices come from the kinds registry, every kind-specific
decision is an attribute or method of the kind class, no code outside `devices/kinds/`
(demo data and migrations aside) tests a kind's code string, and the database ties each
kind's own columns to the kind."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from devices.kinds import KIND_COLUMNS, KINDS, TEMPORARY_KINDS, Channel, Kind, Scope
from devices.models import Authenticator
from devices.temporary.policy import (
    temporary_access,
    temporary_full_access_end,
    temporary_portal_only_end,
    temporary_window_end,
)

ROOT = Path(__file__).resolve().parents[2]
CODES = frozenset(KINDS)
# Where a kind may be named by its code: the kinds themselves, demo data, migrations.
ALLOWED = (
    "devices/kinds/",
    "devices/demo.py",
    "portal/demo.py",
    "/migrations/",
)
SKIPPED_DIRS = {".venv", "node_modules", ".git", "tests", "__pycache__", "static", "docs"}
# A name that holds a kind: `kind`, `authenticator__kind__in`, `KIND`, `TEMPORARY_KINDS`.
KINDISH = re.compile(r"(^|_)kinds?(__in)?$", re.IGNORECASE)
TEMPLATE_TAG = re.compile(r"{%-?\s*(?:if|elif)\b(.*?)-?%}", re.DOTALL)
QUOTED = re.compile(r"""["']([^"']*)["']""")

VALUES = {
    "phone_number": "+14155550123",
    "public_key": "-----BEGIN PUBLIC KEY-----",
    "app_installation": "installation-1",
    "code_hash": "pbkdf2_sha256$1$salt$hash",
    "ocra_suite": "OCRA-1:HOTP-SHA256-8:QN06-PSHA1",
    "otp_mode": "totp",
    "credential_id": "Dph5yBlB7kJzBoNJGys0AaDbkRs408qJwY2Mjm9yXtw",
    "attestation_format": "none",
    "aaguid": "00000000-0000-0000-0000-000000000000",
    "attestation_object": "o2NmbXRkbm9uZQ",
}


def _codes_in(node: ast.AST | None) -> list[str]:
    """The kind codes `node` spells out: a string, or a tuple, list or set of strings."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in CODES:
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [code for element in node.elts for code in _codes_in(element)]
    return []


def _target_names(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    if isinstance(node, ast.Tuple | ast.List):
        return [name for element in node.elts for name in _target_names(element)]
    return []


def python_kind_tests(source: str) -> list[tuple[int, str]]:
    """(line, code) of each place where a kind code is compared, passed as a kind,
    defaulted as a kind or bound to a name that holds kinds."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        spelled: list[str] = []
        if isinstance(node, ast.Compare):
            for operand in (node.left, *node.comparators):
                spelled += _codes_in(operand)
        elif isinstance(node, ast.keyword) and node.arg and KINDISH.search(node.arg):
            spelled += _codes_in(node.value)
        elif isinstance(node, ast.arguments):
            positional = [*node.posonlyargs, *node.args]
            defaulted = positional[len(positional) - len(node.defaults) :]
            pairs = list(zip(defaulted, node.defaults, strict=True))
            pairs += list(zip(node.kwonlyargs, node.kw_defaults, strict=True))
            for arg, default in pairs:
                if default is not None and KINDISH.search(arg.arg):
                    found += [(default.lineno, code) for code in _codes_in(default)]
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(KINDISH.search(name) for t in targets for name in _target_names(t)):
                spelled += _codes_in(node.value)
        elif isinstance(node, ast.Subscript):
            if any(KINDISH.search(name) for name in _target_names(node.value)):
                spelled += _codes_in(node.slice)
        elif isinstance(node, ast.Call):
            name = _target_names(node.func)
            if name and name[0] == "kind_for":
                spelled += [code for arg in node.args for code in _codes_in(arg)]
        found += [(getattr(node, "lineno", 0), code) for code in spelled]
    return found


def template_kind_tests(source: str) -> list[tuple[int, str]]:
    """(line, code) of each `{% if %}` / `{% elif %}` that compares with a kind code."""
    found = []
    for match in TEMPLATE_TAG.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        found += [(line, code) for code in QUOTED.findall(match.group(1)) if code in CODES]
    return found


def _project_files(suffix: str) -> list[Path]:
    files = []
    for path in ROOT.rglob(f"*{suffix}"):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS.intersection(relative.parts[:-1]):
            continue
        if any(allowed in f"/{relative.as_posix()}" for allowed in ALLOWED):
            continue
        files.append(path)
    return files


def test_kinds_the_choices_are_the_registry():
    assert [(value, label) for value, label in Kind.choices] == [
        (code, kind.label) for code, kind in KINDS.items()
    ]
    assert Authenticator._meta.get_field("kind").choices == Kind.choices
    assert Kind.DSC_PLUS == "dsc_plus" and Kind.TEMPORARY_PASSCODE == "temporary_passcode"
    assert set(TEMPORARY_KINDS) == {Kind.TEMPORARY_PASSCODE, Kind.ONLINE_CARD}


@pytest.mark.parametrize(
    "snippet",
    [
        'if authenticator.kind == "scc":\n    pass',
        'ok = kind in ("platinum", "gold")',
        'Authenticator.objects.filter(kind="sms")',
        'SecurityDevice.objects.filter(authenticator__kind__in=["ib_key"])',
        'def issue(*, kind: str = "scc"): ...',
        'TEMPORARY_KINDS = ("temporary_passcode", "online_card")',
        'suite = KINDS["dsc"].default_ocra_suite',
        'behaviour = kind_for("dsc_plus")',
    ],
)
def test_kinds_the_source_check_finds_a_kind_code_test(snippet):
    assert python_kind_tests(snippet)


def test_kinds_the_source_check_leaves_other_strings_and_kind_members_alone():
    source = (
        "if authenticator.kind == Kind.SCC:\n    pass\n"
        'gateway().send(Message(channel="sms", to=to, body=body))\n'
        'Refusal("ib_key", IB_KEY)\n'
        'path("online-card/", view, name="online_card")\n'
        'tier = "dsc"\n'
        'channel: Literal["sms", "voice"]\n'
    )
    assert python_kind_tests(source) == []
    assert template_kind_tests('{% if device.authenticator.kind == "scc" %}x{% endif %}')
    assert template_kind_tests("{% elif kind in 'sms ib_key' %}") == []
    assert template_kind_tests("{{ kind_behaviour.challenge_label }}") == []


def test_kinds_no_view_template_selector_or_service_tests_a_kind_code():
    python_files = _project_files(".py")
    templates = _project_files(".html")
    assert any(path.name == "views.py" for path in python_files)
    assert any(path.name == "login_device.html" for path in templates)
    offences = [
        f"{path.relative_to(ROOT)}:{line}: {code!r}"
        for path in python_files
        for line, code in python_kind_tests(path.read_text())
    ] + [
        f"{path.relative_to(ROOT)}:{line}: {code!r}"
        for path in templates
        for line, code in template_kind_tests(path.read_text())
    ]
    assert offences == [], "use an attribute of the kind class (devices/kinds/) instead"


def _row(code: str, serial: str, **columns: str) -> Authenticator:
    kind = KINDS[code]
    values = {column: VALUES[column] for column in kind.required_columns}
    return Authenticator(kind=code, serial=serial, **{**values, **columns})


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(CODES))
def test_kinds_a_row_with_its_kinds_columns_is_stored(code):
    kind = KINDS[code]
    row = _row(code, f"OK-{code}", **{column: VALUES[column] for column in kind.columns})
    row.save()
    assert Authenticator.objects.filter(pk=row.pk, kind=code).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "column"),
    [
        (code, column)
        for code in sorted(CODES)
        for column in KIND_COLUMNS
        if column in KINDS[code].required_columns or column not in KINDS[code].columns
    ],
)
def test_kinds_the_database_ties_each_column_to_its_kinds(code, column):
    """A column of another kind is refused on this kind's row; a column this kind requires
    is refused blank. The check is the database's, not the model's."""
    serial = f"BAD-{code}-{KIND_COLUMNS.index(column)}"  # within the serial's 40 characters
    if column in KINDS[code].required_columns:
        row = _row(code, serial, **{column: ""})
    else:
        row = _row(code, serial, **{column: VALUES[column]})
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()
    assert not Authenticator.objects.filter(serial=row.serial).exists()


def test_kinds_the_constraints_follow_the_declarations():
    constraints = {c.name: c for c in Authenticator._meta.constraints}
    by_kind = {f"authenticator_{column}_by_kind" for column in KIND_COLUMNS}
    assert set(constraints) == by_kind | {"one_row_per_credential"}
    phone = str(constraints["authenticator_phone_number_by_kind"].condition)
    assert "'sms'" in phone and "'ib_key'" not in phone
    otp = str(constraints["authenticator_otp_mode_by_kind"].condition)
    assert "'platinum'" in otp and "'gold'" in otp and "'dsc_plus'" not in otp


@pytest.mark.django_db
def test_kinds_the_migrations_hold_the_declared_constraints():
    """A kind that declares another column needs its migration: this fails until made."""
    call_command("makemigrations", "devices", check=True, dry_run=True, verbosity=0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "full_days", "window_days", "portal_only_days"),
    [
        (Kind.TEMPORARY_PASSCODE, 2, 12, 12),
        (Kind.ONLINE_CARD, 21, 21, None),
        (Kind.DSC_PLUS, None, None, None),
        (Kind.SMS, None, None, None),
    ],
)
def test_T2_T3_kinds_declare_their_windows(code, full_days, window_days, portal_only_days):
    start = timezone.now() - dt.timedelta(days=30)
    row = _row(code, f"WIN-{code}", activated_at=start)

    def end(days):
        return None if days is None else start + dt.timedelta(days=days)

    assert temporary_full_access_end(row) == end(full_days)
    assert temporary_window_end(row) == end(window_days)
    assert temporary_portal_only_end(row) == end(portal_only_days)


def test_T2_a_passcode_opens_the_online_card_only_in_its_portal_days():
    row = _row(Kind.TEMPORARY_PASSCODE, "T2-P", activated_at=timezone.now())
    day = row.activated_at
    portal = temporary_access(
        authenticator=row, channel=Channel.PORTAL, at=day + dt.timedelta(days=5)
    )
    trading = temporary_access(
        authenticator=row, channel=Channel.TRADING, at=day + dt.timedelta(days=5)
    )
    assert portal.scope == Scope.ONLINE_CARD_ONLY
    assert not trading.allowed
    assert temporary_access(authenticator=row, channel=Channel.TRADING, at=day).allowed
    assert not temporary_access(
        authenticator=row, channel=Channel.PORTAL, at=day + dt.timedelta(days=12)
    ).allowed


@pytest.mark.parametrize("code", sorted(CODES))
def test_kinds_say_how_their_challenge_and_answer_look(code):
    kind = KINDS[code]
    grid = code in {Kind.SCC, Kind.ONLINE_CARD}
    key = code == Kind.SECURITY_KEY
    assert kind.challenge_label == (
        "Index numbers" if grid else "Security key request" if key else "Challenge"
    )
    inputmode = "text" if code == Kind.TEMPORARY_PASSCODE else "none" if key else "numeric"
    assert kind.response_inputmode == inputmode
    assert kind.answered_by_browser == key
    assert kind.sends_code == (code == Kind.SMS)
    assert kind.until_ib_key == (code == Kind.SMS)
    assert kind.offers_online_card == (code == Kind.TEMPORARY_PASSCODE)


@pytest.mark.django_db
def test_F1_a_credential_is_registered_once():
    """Two rows for one WebAuthn credential would let one key answer as two devices."""
    values = {column: VALUES[column] for column in KINDS[Kind.SECURITY_KEY].columns}
    Authenticator.objects.create(kind=Kind.SECURITY_KEY, serial="KEY-1", **values)
    with pytest.raises(IntegrityError), transaction.atomic():
        Authenticator.objects.create(kind=Kind.SECURITY_KEY, serial="KEY-2", **values)
