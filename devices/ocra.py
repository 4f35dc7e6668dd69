"""OCRA (RFC 6287) through the `oath` package's suite function, which passes the RFC's
test vectors. Only the suite function is used: oath's helper classes draw challenges
from `random` and can return truthy exception objects (see DESIGN.md)."""

from __future__ import annotations

import secrets
import string

import oath

_ALPHABETS = {
    "N": string.digits,
    "A": string.ascii_letters + string.digits,
    "H": "0123456789abcdef",
}


def ocra_challenge(suite: str) -> str:
    """A fresh challenge of the suite's declared type and maximum length, from `secrets`."""
    kind, length = oath.str2ocrasuite(suite).data_input.Q
    alphabet = _ALPHABETS[kind]
    return "".join(secrets.choice(alphabet) for _ in range(length))


def ocra_response(
    *, suite: str, key: bytes, challenge: str, pin: str = "", counter: int | None = None
) -> str:
    """The response a card computes. The PIN is passed as typed: oath hashes it with the
    suite's P function (its pre-hashed P_digest input is unusable in oath 1.4.5)."""
    ocrasuite = oath.str2ocrasuite(suite)
    arguments: dict[str, object] = {"Q": challenge}
    if ocrasuite.data_input.P:
        arguments["P"] = pin
    if ocrasuite.data_input.C:
        arguments["C"] = counter
    return ocrasuite(key, **arguments)


def ocra_uses_pin(suite: str) -> bool:
    return bool(oath.str2ocrasuite(suite).data_input.P)


def ocra_response_length(suite: str) -> int:
    return oath.str2ocrasuite(suite).crypto_function.truncation_length


def ocra_validate_suite(suite: str) -> None:
    """Raise ValueError unless the suite is a challenge/response suite we can verify."""
    ocrasuite = oath.str2ocrasuite(suite)
    if not ocrasuite.data_input.Q:
        raise ValueError(f"{suite} has no challenge (Q) input")
    if ocrasuite.data_input.S or ocrasuite.data_input.T:
        raise ValueError(f"{suite}: session and time inputs are not supported")
