"""A client's identification data (SPEC §0, KB2481) as staff may see it and as a caller's
answers are compared with it.

Staff never see a date of birth, an SSN or a document number in full: at most its last
four characters, and only when at least as many stay hidden ("SSN ending 6789"). What a
caller says is normalized the same way as the data on file before the two are compared:
surrounding spaces, letter case, and for document numbers every space, dash, dot and
slash do not count; dates are parsed; countries are matched by name or ISO code.
"""

from __future__ import annotations

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django_countries import countries

from accounts.models import Client

ITEMS = {
    "date_of_birth": "Date of birth",
    "citizenship": "Citizenship",
    "residence_country": "Country of legal residence",
    "id_document": "Identification document number",
    "ssn": "Social Security Number",
}
DOCUMENT_ITEMS = ("id_document", "ssn")
COUNTRY_ITEMS = ("citizenship", "residence_country")
# Longer than any date, country name or document number; longer answers are refused
# before any work is done on them.
ANSWER_MAX_LENGTH = 100
SHOWN_CHARACTERS = 4
HIDDEN = "not shown"
_SEPARATORS = str.maketrans("", "", " \t-./")
_COUNTRY_NAMES = {
    "united states": "US",
    "america": "US",
    "u s a": "US",
    "u s": "US",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "holland": "NL",
    "south korea": "KR",
    "russia": "RU",
}
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y %m %d",
    "%Y%m%d",
    "%d %B %Y",
    "%B %d %Y",
    "%d %b %Y",
    "%b %d %Y",
)


def identification_mask(value: object) -> str:
    """A document number as staff may see it: "ending 6789" when at least four characters
    stay hidden, otherwise nothing of it. Never for a date of birth: it is not shown."""
    text = document_normalize(str(value or "")).upper() if value else ""
    if len(text) < 2 * SHOWN_CHARACTERS:
        return HIDDEN
    return f"ending {text[-SHOWN_CHARACTERS:]}"


def identification_on_file(client: Client) -> dict[str, str]:
    """The items of identification data held for `client`, normalized for comparison;
    never shown. SSN and identification document are one datum: a client has one or the
    other. An item with nothing on file is not there."""
    document = document_normalize(client.id_document_number)
    document_item = "ssn" if client.id_document_type == "ssn" else "id_document"
    on_file = {
        "date_of_birth": client.date_of_birth.isoformat() if client.date_of_birth else "",
        "citizenship": str(client.citizenship.code or ""),
        "residence_country": str(client.residence_country.code or ""),
        document_item: document,
    }
    return {item: value for item, value in on_file.items() if value}


def identification_required(client: Client) -> tuple[str, ...]:
    """What the caller must give before a passcode: for a person the date of birth and
    the SSN or document number; for an entity the registration number and the country of
    legal residence. The other items on file may be asked as well."""
    document = "ssn" if client.id_document_type == "ssn" else "id_document"
    if client.kind == Client.Kind.PERSON and client.date_of_birth:
        return ("date_of_birth", document)
    return (document, "residence_country")


def identification_hint(client: Client, item: str) -> str:
    """What the agent may see of `item` on file: the document's type and last four
    characters; nothing of a date of birth or a country (the answer itself)."""
    if item in DOCUMENT_ITEMS:
        kind = "SSN" if item == "ssn" else client.get_id_document_type_display()
        return f"{kind} {identification_mask(client.id_document_number)}"
    return ""


def answer_normalize(item: str, answer: str) -> str:
    """The caller's answer for `item`, normalized as `identification_on_file` is; a
    ValidationError, with no trace of the answer, when it cannot be one."""
    if item not in ITEMS:
        raise ValidationError("Unknown identification item.")
    if len(answer) > ANSWER_MAX_LENGTH or "\x00" in answer:
        raise ValidationError(f"Type at most {ANSWER_MAX_LENGTH} characters.")
    text = unicodedata.normalize("NFKC", answer).strip()
    if item == "date_of_birth":
        return date_normalize(text)
    if item in COUNTRY_ITEMS:
        return country_normalize(text)
    document = document_normalize(text)
    if not (document.isascii() and document.isalnum()):
        raise ValidationError("Type the number with letters and digits only.")
    return document


def document_normalize(value: str) -> str:
    """A document number without spaces, dashes, dots or slashes, case-folded."""
    return unicodedata.normalize("NFKC", value).translate(_SEPARATORS).casefold()


def date_normalize(text: str) -> str:
    cleaned = " ".join(text.replace(",", " ").split())
    if cleaned.isascii():
        for date_format in _DATE_FORMATS:
            try:
                return datetime.datetime.strptime(cleaned, date_format).date().isoformat()
            except ValueError:
                continue
    raise ValidationError("Type the date as YYYY-MM-DD, for example 1980-04-12.")


def country_normalize(text: str) -> str:
    """An ISO 3166 alpha-2 code from a code (GB, GBR), a name in English in any letter
    case, or a name callers say that the ISO list words otherwise."""
    folded = " ".join(text.replace(".", " ").split()).casefold()
    if folded.isascii() and folded.isalpha() and len(folded) in (2, 3):
        code = countries.alpha2(folded.upper())
        if code:
            return code
    code = countries.by_name(folded) or _COUNTRY_NAMES.get(folded, "")
    if code:
        return code
    raise ValidationError("Type the country's name or its two-letter code, e.g. GB.")
