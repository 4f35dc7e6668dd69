"""The support desk's check of a caller's identification data (T1, SPEC §0, KB2481).

The agent types what the caller says; this compares it with the data on file and answers
"match" or "no match" per item, never the data itself. Every check, passed, failed or
refused by the throttle, is in the audit trail with the items that matched and those
that did not, never a value. Checks are counted per client and per agent address in the
throttles (`identification_user`, `identification_ip`), apart from the login's counters:
too many checks stop the passcode form for that client for the rest of the hour and
change nothing about the client's own login.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from accounts.client_info import ClientInfo
from accounts.identification import (
    ITEMS,
    answer_normalize,
    identification_on_file,
    identification_required,
)
from accounts.models import AuditEventType, AuditOutcome, User
from accounts.services.audit import audit_record
from accounts.throttling import throttle_hit

THROTTLE_SCOPE = "identification"


@dataclass(frozen=True)
class IdentificationResult:
    """Whether the caller of `user_id` gave the data on file: per item asked, True for a
    match; `throttled` when the check was refused before any comparison."""

    user_id: int
    items: dict[str, bool] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    throttled: bool = False
    retry_after: int = 0

    @property
    def passed(self) -> bool:
        return (
            not self.throttled
            and bool(self.items)
            and set(self.required) <= set(self.items)
            and all(self.items.values())
        )

    @property
    def matched(self) -> list[str]:
        return sorted(item for item, match in self.items.items() if match)

    @property
    def not_matched(self) -> list[str]:
        return sorted(item for item, match in self.items.items() if not match)


@sensitive_variables("answers", "typed", "on_file")
@transaction.atomic
def identification_check(
    *, user: User, answers: Mapping[str, str], actor: User, client: ClientInfo
) -> IdentificationResult:
    """Compare the caller's `answers` (item -> what they said; blank = not asked) with
    the data on file of `user`'s client. Every required item must be answered; an answer
    that cannot be a date, a country or a document number, an item not on file, or a
    missing required item is a ValidationError that counts nothing and records nothing."""
    if user.client is None:
        raise ValidationError("Only a client's user has identification data on file.")
    on_file = identification_on_file(user.client)
    required = identification_required(user.client)
    typed: dict[str, str] = {}
    for item, answer in answers.items():
        if not isinstance(answer, str):
            raise ValidationError("Answers are text.")
        if not answer.strip():
            continue
        if item not in on_file:
            raise ValidationError(f"No {ITEMS.get(item, 'such item').lower()} is on file.")
        typed[item] = answer_normalize(item, answer)
    missing = [ITEMS[item] for item in required if item not in typed]
    if missing:
        raise ValidationError(f"Ask the caller for: {', '.join(missing)}.")

    verdict = throttle_hit(
        scope=THROTTLE_SCOPE, ip_address=client.ip_address, subject=f"client:{user.client_id}"
    )
    if not verdict.allowed:
        result = IdentificationResult(
            user_id=user.pk, required=required, throttled=True, retry_after=verdict.retry_after
        )
        _audit(result, user=user, actor=actor, client=client, reason="throttled")
        return result

    result = IdentificationResult(
        user_id=user.pk,
        items={item: _same(answer, on_file[item]) for item, answer in sorted(typed.items())},
        required=required,
    )
    _audit(result, user=user, actor=actor, client=client)
    return result


def _same(answer: str, on_file: str) -> bool:
    return hmac.compare_digest(answer.encode(), on_file.encode())


def _audit(
    result: IdentificationResult, *, user: User, actor: User, client: ClientInfo, **detail: object
) -> None:
    if result.throttled:
        detail["retry_after"] = result.retry_after
    audit_record(
        event_type=AuditEventType.IDENTIFICATION_CHECKED,
        outcome=AuditOutcome.SUCCESS if result.passed else AuditOutcome.FAILURE,
        subject=user,
        actor=actor,
        client=client,
        detail={
            "matched": result.matched,
            "not_matched": result.not_matched,
            "required": list(result.required),
            **detail,
        },
    )
