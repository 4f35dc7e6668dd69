"""An independent OCRA (RFC 6287 §5-7) written from the RFC for the tests, so the
project's path through the `oath` package is checked against a second implementation."""

from __future__ import annotations

import hashlib
import hmac

QUESTION_BYTES = 128


def reference_ocra(
    suite: str, key: bytes, question: str, pin: str = "", counter: int | None = None
) -> str:
    _, crypto_function, data_input = suite.split(":")
    _, hash_name, digits = crypto_function.split("-")
    message = suite.encode() + b"\x00"
    for part in data_input.split("-"):
        if part == "C":
            message += counter.to_bytes(8, "big")
        elif part.startswith("Q"):
            hex_question = format(int(question), "x") if part[1] == "N" else question
            message += bytes.fromhex(hex_question.ljust(2 * QUESTION_BYTES, "0"))
        elif part.startswith("P"):
            message += hashlib.new(part[1:].lower(), pin.encode()).digest()
        else:
            raise ValueError(f"the reference does not implement {part}")
    mac = hmac.new(key, message, hash_name.lower()).digest()
    offset = mac[-1] & 0x0F
    binary = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(binary % 10 ** int(digits)).zfill(int(digits))
