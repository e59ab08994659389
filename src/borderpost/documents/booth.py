"""From a scanned MRZ to the booth form: the fields filled, problems by form field, repairs.

The booth's form names its fields its own way (``doc_number``, ``doc_expiry``...); this maps
the parser's result onto them, so the template only shows what it is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from borderpost.documents.mrz.model import MrzResult, Problem, Repair
from borderpost.messages import joined

# The booth form's field for each MRZ field the form has; the others (sex, optional data,
# composite, line count...) are shown next to the scan field itself.
FORM_FIELD_OF = {
    "surname": "surname",
    "given_names": "given_names",
    "birth_date": "birth_date",
    "nationality": "nationality",
    "document_type": "doc_type",
    "document_number": "doc_number",
    "issuer": "doc_issuer",
    "expiry_date": "doc_expiry",
}
SCAN_FIELD = "mrz"
# The cursor goes to the first wrong field in the form's order; to the scan field last, as
# its problems (composite digit, line length) mostly follow from a field's.
FORM_ORDER: tuple[str, ...] = ("surname", "given_names", "birth_date", "nationality")
FORM_ORDER += ("doc_number", "doc_issuer", "doc_expiry", "doc_type", SCAN_FIELD)


@dataclass(frozen=True)
class Scan:
    """What the booth shows about one scan, next to the fields it filled."""

    format: str
    valid: bool
    sex: str
    lines: tuple[str, ...]
    flags: tuple[Problem, ...]
    repairs: tuple[Repair, ...]
    problems: dict[str, str] = field(default_factory=dict)


def form_from_scan(result: MrzResult, form: Mapping[str, str]) -> tuple[dict[str, str], Scan]:
    """The booth form with the fields the MRZ holds filled in, and what to show of the scan.

    Fields are filled even when the MRZ has problems: the officer sees what was read next to
    what is wrong with it and corrects it there. Other fields of ``form`` are kept.
    """
    filled = dict(form)
    filled.update(
        {
            "surname": result.surname,
            "given_names": result.given_names,
            "birth_date": result.birth_date.isoformat() if result.birth_date else "",
            "nationality": result.nationality,
            "doc_type": result.document_type,
            "doc_number": result.document_number,
            "doc_issuer": result.issuer,
            "doc_expiry": result.expiry_date.isoformat() if result.expiry_date else "",
            SCAN_FIELD: "\n".join(result.lines) if result.lines else form.get(SCAN_FIELD, ""),
        }
    )
    found: dict[str, list[str]] = {}
    for problem in result.problems:
        name = FORM_FIELD_OF.get(problem.field, SCAN_FIELD)
        found.setdefault(name, []).append(problem.message)
    problems: dict[str, str] = {
        name: joined("; ", found[name]) for name in FORM_ORDER if name in found
    }
    scan = Scan(
        format=result.format,
        valid=result.valid,
        sex=result.sex,
        lines=result.lines,
        flags=result.flags,
        repairs=result.repairs,
        problems=problems,
    )
    return filled, scan
