"""What the booth asks of a person crossing: a name that is a name, and a travel document or
the reason there is none. A pure module: no framework, no database.

Names are checked as typed by an officer: letters of any script (with their combining
marks), spaces, hyphens and apostrophes, at most ``MAX_NAME`` characters. The MRZ's filler
``<`` never appears in a name, so text that has it was meant for the scan field.
"""

from __future__ import annotations

import re
import unicodedata

from borderpost.vocab import Decision

MAX_NAME = 100  # far above any name on a document (the TD3 MRZ holds 39 characters)
NAME_MARKS = frozenset(" -'\u2019\u02bc")  # space, hyphen, apostrophe, right quote, modifier
# Two or more fillers, or a long unbroken run of the MRZ's own alphabet: a pasted MRZ line.
_MRZ_LIKE = re.compile(r"<<|^[A-Z0-9<]{30,}$")


def N_(text: str) -> str:  # noqa: N802 - the gettext convention: marked for extraction only
    return text


NAME_IS_MRZ = N_("looks like a machine-readable zone: scan or paste it into the scan field (Alt+M)")
NAME_TOO_LONG = N_("is longer than 100 characters")
NAME_CHARACTERS = N_("may hold only letters, spaces, hyphens and apostrophes")
NO_DOCUMENT = N_(
    "a person is admitted on a travel document: give its number and issuer, or write in "
    "Reasons why there is none (for example, medical evacuation)"
)


def looks_like_mrz(text: str) -> bool:
    """Whether ``text`` reads as (part of) a machine-readable zone."""
    compact = "".join(text.split())
    return "<" in compact and bool(_MRZ_LIKE.search(compact))


def name_problem(text: str) -> str | None:
    """Why ``text`` cannot be a surname or given names, or None when it can (empty is the
    caller's business: a surname is required, given names are not)."""
    if looks_like_mrz(text):
        return NAME_IS_MRZ
    if len(text) > MAX_NAME:
        return NAME_TOO_LONG
    for char in text:
        if char.isalpha() or char in NAME_MARKS or unicodedata.category(char).startswith("M"):
            continue
        return NAME_CHARACTERS
    return None


def document_problem(has_document: bool, decision: Decision, reasons: list[str]) -> str | None:
    """Admitting a person needs a travel document, or the recorded reason for its absence
    (a medical evacuation, a child on a parent's document...). Refusing or referring a
    person who has none is exactly what the booth must be able to record."""
    if has_document or decision is not Decision.ADMITTED or reasons:
        return None
    return NO_DOCUMENT
