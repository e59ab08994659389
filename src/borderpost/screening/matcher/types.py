"""The matcher's plain data types: a listed person, a query, and a match of one against one entry.

No framework imports. A stored *hit* (a match between a crossing and a list entry, resolved by a
supervisor) is ``borderpost.screening.model.ScreeningHit``; a ``Match`` is what the matcher
returns for one query and one entry, before anything is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Match", "PersonEntry", "Query"]


@dataclass(frozen=True)
class PersonEntry:
    """A watchlist person.

    ``names``: every known spelling, any script, order or MRZ form;
    ``birth_dates``: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD';
    ``nationalities``: ISO 3166 alpha-2 or alpha-3 (or ICAO codes such as 'D'),
    normalised to alpha-2 by the index.
    """

    entry_id: str
    names: Sequence[str]
    birth_dates: Sequence[str] = ()
    nationalities: Sequence[str] = ()


@dataclass(frozen=True)
class Query:
    """A person to screen: ``name`` (any order, script or MRZ form) or ``surname`` and
    ``given_names`` (then the surname is known to be the surname)."""

    name: str | None = None
    birth_date: str | None = None
    nationality: str | None = None
    surname: str | None = None
    given_names: str | None = None

    def name_text(self) -> str:
        if self.name:
            return self.name
        if self.surname and self.given_names:
            return f"{self.surname}, {self.given_names}"
        return self.surname or self.given_names or ""


@dataclass(frozen=True)
class Match:
    """A query against one entry. ``score`` is 0..1; compare it with ``THRESHOLD``.
    ``matched_name`` is the entry's name (or document number / plate) that matched;
    ``explanation`` lists, for an officer, what matched how and what added or took away."""

    entry_id: str
    score: float
    matched_name: str
    explanation: tuple[str, ...] = field(default=())
