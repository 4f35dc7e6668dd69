"""A caller who gives the support desk the identification data on file (T1): what tests
need before `passcode_issue`, through the real check."""

from __future__ import annotations

from accounts.client_info import SYSTEM
from accounts.models import Client, User
from accounts.services.identification import IdentificationResult, identification_check


def answers_on_file(client: Client) -> dict[str, str]:
    """What the caller says: the data on file, as a caller would say it."""
    answers = {"residence_country": str(client.residence_country.name)}
    if client.date_of_birth:
        answers["date_of_birth"] = client.date_of_birth.isoformat()
    item = "ssn" if client.id_document_type == "ssn" else "id_document"
    answers[item] = client.id_document_number
    return answers


def caller_identified(user: User, agent: User) -> IdentificationResult:
    """The check passed for `user`'s caller, as `agent` ran it."""
    result = identification_check(
        user=user, answers=answers_on_file(user.client), actor=agent, client=SYSTEM
    )
    assert result.passed
    return result
