"""Screening matcher: people, travel documents and plates against watchlists.

Pure Python (numpy, rapidfuzz, unidecode); no framework imports. See ``docs`` in each
module; the public surface is re-exported here. The matcher's core modules are compiled with
mypyc at install when possible (``setup.py``, ``compiled.py``).
"""

from . import compiled

compiled.check()  # before any compiled module is imported (hence the late imports below)

from .documents import DocumentIndex, normalise_document_number  # noqa: E402
from .index import PersonIndex  # noqa: E402
from .model import Hit, PersonEntry, Query  # noqa: E402
from .names import parse_name  # noqa: E402
from .pairs import evaluate, recall_at_fp  # noqa: E402
from .plates import PlateIndex, normalise_plate  # noqa: E402
from .scoring import THRESHOLD, compare_names  # noqa: E402

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
