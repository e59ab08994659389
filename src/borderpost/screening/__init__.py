"""Screening matcher: people, travel documents and plates against watchlists.

Pure Python (numpy, rapidfuzz, unidecode); no framework imports. See ``docs`` in each
module; the public surface is re-exported here.
"""

from .documents import DocumentIndex, normalise_document_number
from .index import PersonIndex
from .model import Hit, PersonEntry, Query
from .names import parse_name
from .pairs import evaluate, recall_at_fp
from .plates import PlateIndex, normalise_plate
from .scoring import THRESHOLD, compare_names

__all__ = [
    "THRESHOLD",
    "DocumentIndex",
    "Hit",
    "PersonEntry",
    "PersonIndex",
    "PlateIndex",
    "Query",
    "compare_names",
    "evaluate",
    "normalise_document_number",
    "normalise_plate",
    "parse_name",
    "recall_at_fp",
]
