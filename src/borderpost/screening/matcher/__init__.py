"""The screening matcher: people, travel-document numbers and plates against watchlist entries.

Pure (numpy, rapidfuzz, unidecode, numba): no framework, no database, no I/O, and no
Borderpost module outside this package but the pure ``borderpost.plates``. ``README.md`` here
describes the interface and how names are compared. ``countries``, ``types``, ``names``,
``scoring`` and ``index`` are compiled with mypyc at install when possible (``setup.py``,
``compiled.py``); ``kernels`` by numba at first use.
"""

from . import compiled

compiled.check()  # before any compiled module is imported (hence the late imports below)

from .documents import DocumentIndex, normalise_document_number  # noqa: E402
from .index import PersonIndex  # noqa: E402
from .names import parse_name  # noqa: E402
from .pairs import evaluate, recall_at_fp  # noqa: E402
from .plates import PlateIndex  # noqa: E402
from .scoring import THRESHOLD, compare_names  # noqa: E402
from .types import Match, PersonEntry, Query  # noqa: E402

__all__ = [
    "THRESHOLD",
    "DocumentIndex",
    "Match",
    "PersonEntry",
    "PersonIndex",
    "PlateIndex",
    "Query",
    "compare_names",
    "evaluate",
    "normalise_document_number",
    "parse_name",
    "recall_at_fp",
]
