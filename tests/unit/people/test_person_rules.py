"""The booth's rules for a person: names of any script, no MRZ, a document or a reason."""

from __future__ import annotations

import pytest

from borderpost.documents.mrz.specimens import SPECIMENS
from borderpost.people.rules import (
    NAME_CHARACTERS,
    NAME_IS_MRZ,
    NAME_TOO_LONG,
    NO_DOCUMENT,
    document_problem,
    name_problem,
)
from borderpost.vocab import Decision


@pytest.mark.parametrize(
    "name",
    ["ERIKSSON", "O'NEILL", "Smith-Jones", "ПЕТРОСЯН", "Հովհաննիսյան", "Məmmədova", "José María",
     "D\u2019ARCY", "Zoë"],
)  # fmt: skip
def test_names_of_any_script_are_names(name: str) -> None:
    assert name_problem(name) is None


@pytest.mark.parametrize("text", ["<" * 89, "".join(SPECIMENS["TD3"]), "ERIKSSON<<ANNA<MARIA"])
def test_an_mrz_in_a_name_field_points_to_the_scan_field(text: str) -> None:
    assert name_problem(text) == NAME_IS_MRZ


@pytest.mark.parametrize("text", ["NAME1", "A.B.", "Robert; DROP", "<", "a_b"])
def test_digits_and_punctuation_are_not_a_name(text: str) -> None:
    assert name_problem(text) == NAME_CHARACTERS


def test_a_name_has_a_bounded_length() -> None:
    assert name_problem("A" * 100) is None
    assert name_problem("A" * 101) == NAME_TOO_LONG


def test_admitting_needs_a_document_or_the_reason_for_none() -> None:
    assert document_problem(False, Decision.ADMITTED, []) == NO_DOCUMENT
    assert document_problem(True, Decision.ADMITTED, []) is None
    assert document_problem(False, Decision.ADMITTED, ["medical evacuation"]) is None
    # Refusing someone who has no papers is what the booth must record.
    assert document_problem(False, Decision.REFUSED, ["no document"]) is None
