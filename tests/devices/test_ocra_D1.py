"""D1: challenge/response follows OCRA (RFC 6287), proven with the RFC's Appendix C test
vectors through the project's OCRA path, and against an independent implementation."""

from __future__ import annotations

import pytest

from devices.ocra import ocra_challenge, ocra_response, ocra_response_length
from tests.devices.reference_ocra import reference_ocra

KEY20 = bytes.fromhex("3132333435363738393031323334353637383930")
KEY32 = bytes.fromhex("3132333435363738393031323334353637383930313233343536373839303132")
KEY64 = bytes.fromhex(
    "3132333435363738393031323334353637383930313233343536373839303132"
    "3334353637383930313233343536373839303132333435363738393031323334"
)
PIN = "1234"

# RFC 6287 Appendix C.1, "One-Way Challenge Response".
QN08_SHA1 = [
    ("00000000", "237653"),
    ("11111111", "243178"),
    ("22222222", "653583"),
    ("33333333", "740991"),
    ("44444444", "608993"),
    ("55555555", "388898"),
    ("66666666", "816933"),
    ("77777777", "224598"),
    ("88888888", "750600"),
    ("99999999", "294470"),
]
C_QN08_PSHA1_SHA256 = [
    (0, "65347737"),
    (1, "86775851"),
    (2, "78192410"),
    (3, "71565254"),
    (4, "10104329"),
    (5, "65983500"),
    (6, "70069104"),
    (7, "91771096"),
    (8, "75011558"),
    (9, "08522129"),
]
QN08_PSHA1_SHA256 = [
    ("00000000", "83238735"),
    ("11111111", "01501458"),
    ("22222222", "17957585"),
    ("33333333", "86776967"),
    ("44444444", "86807031"),
]
C_QN08_SHA512 = [
    (0, "00000000", "07016083"),
    (1, "11111111", "63947962"),
    (2, "22222222", "70123924"),
    (3, "33333333", "25341727"),
    (4, "44444444", "33203315"),
    (5, "55555555", "34205738"),
    (6, "66666666", "44343969"),
    (7, "77777777", "51946085"),
    (8, "88888888", "20403879"),
    (9, "99999999", "31409299"),
]


@pytest.mark.parametrize(("question", "expected"), QN08_SHA1)
def test_D1_rfc6287_qn08_sha1(question, expected):
    suite = "OCRA-1:HOTP-SHA1-6:QN08"
    assert ocra_response(suite=suite, key=KEY20, challenge=question) == expected
    assert reference_ocra(suite, KEY20, question) == expected


@pytest.mark.parametrize(("counter", "expected"), C_QN08_PSHA1_SHA256)
def test_D1_rfc6287_counter_pin_sha256(counter, expected):
    suite = "OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1"
    response = ocra_response(suite=suite, key=KEY32, challenge="12345678", pin=PIN, counter=counter)
    assert response == expected
    assert reference_ocra(suite, KEY32, "12345678", PIN, counter) == expected


@pytest.mark.parametrize(("question", "expected"), QN08_PSHA1_SHA256)
def test_D1_rfc6287_pin_sha256(question, expected):
    suite = "OCRA-1:HOTP-SHA256-8:QN08-PSHA1"
    assert ocra_response(suite=suite, key=KEY32, challenge=question, pin=PIN) == expected
    assert reference_ocra(suite, KEY32, question, PIN) == expected


@pytest.mark.parametrize(("counter", "question", "expected"), C_QN08_SHA512)
def test_D1_rfc6287_counter_sha512(counter, question, expected):
    suite = "OCRA-1:HOTP-SHA512-8:C-QN08"
    assert ocra_response(suite=suite, key=KEY64, challenge=question, counter=counter) == expected
    assert reference_ocra(suite, KEY64, question, counter=counter) == expected


@pytest.mark.parametrize("question", ["000000", "123456", "999999", "000001", "424242"])
def test_D1_dsc_plus_suite_matches_the_independent_implementation(question):
    suite = "OCRA-1:HOTP-SHA256-8:QN06-PSHA1"

    response = ocra_response(suite=suite, key=KEY32, challenge=question, pin="9876")

    assert response == reference_ocra(suite, KEY32, question, "9876")
    assert len(response) == ocra_response_length(suite) == 8


def test_D1_dsc_plus_challenges_are_six_random_digits():
    challenges = {ocra_challenge("OCRA-1:HOTP-SHA256-8:QN06-PSHA1") for _ in range(50)}

    assert all(len(c) == 6 and c.isdigit() and c.isascii() for c in challenges)
    assert len(challenges) > 40
