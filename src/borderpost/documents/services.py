"""Use cases of travel documents, called by the API, the booth and the CLI alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from borderpost.documents.mrz.model import MrzResult
from borderpost.documents.mrz.parser import parse_mrz
from borderpost.documents.schemas import DocumentCheck


def check_document(data: DocumentCheck) -> MrzResult:
    """Parse and check the MRZ of ``data``; bad MRZs come back as problems, never raised."""
    return parse_mrz(data.mrz, on=data.on, repair=data.repair)


def check_scan(text: str | Sequence[str], on: dt.date) -> MrzResult:
    """What the booth does with a scan: check it on the crossing date, OCR repairs allowed.

    A document reader is an OCR device, so its look-alike confusions are repaired where the
    check digits prove them, and the booth shows every repair to the officer.
    """
    return parse_mrz(text, on=on, repair=True)
