"""Travel-document numbers on watchlists: exact match after normalisation, with issuer.

Normalisation: upper case; MRZ filler '<', spaces, dashes, dots and slashes removed;
letter O and digit 0 folded together (the commonest OCR/keying confusion in numbers).
A number equal after normalisation with the same issuer scores 1.0; with the issuer
unknown on either side 0.9; with a different issuer 0.6 (numbering schemes collide across
countries, so the officer should look).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from .scoring import normalise_country
from .types import Match

__all__ = ["DocumentIndex", "normalise_document_number"]

_DROP = str.maketrans({c: None for c in "<- ./\t\u2010\u2011\u2013\u2014_"})
SAME_ISSUER = 1.0
ISSUER_UNKNOWN = 0.9
ISSUER_DIFFERS = 0.6


def normalise_document_number(number: str) -> str:
    """'AB 12-34<O5' -> 'AB1234005'."""
    return number.upper().translate(_DROP).replace("O", "0")


class DocumentIndex:
    def __init__(self) -> None:
        self._by_number: dict[str, list[tuple[str, str | None, str]]] = defaultdict(list)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_number.values())

    def add(self, entry_id: str, number: str, issuer: str | None = None) -> None:
        key = normalise_document_number(number)
        if key:
            self._by_number[key].append((entry_id, normalise_country(issuer), number))

    def search(
        self, number: str, issuer: str | None = None, *, exclude: Collection[str] | None = None
    ) -> list[Match]:
        """Every entry holding ``number``, best first; ``exclude``: entry ids left out (every
        match is returned, so leaving them out is the same as never adding them)."""
        key = normalise_document_number(number)
        q_issuer = normalise_country(issuer)
        matches: list[Match] = []
        for entry_id, e_issuer, original in self._by_number.get(key, ()):
            if exclude and entry_id in exclude:
                continue
            how = (
                "identical"
                if original == number
                else f"equal after normalising fillers, spaces, dashes and O/0 ({key})"
            )
            expl = [f"document number {number} matched {original} ({how})"]
            if q_issuer and e_issuer:
                if q_issuer == e_issuer:
                    score = SAME_ISSUER
                    expl.append(f"issuer {q_issuer} equal")
                else:
                    score = ISSUER_DIFFERS
                    expl.append(
                        f"issuer {q_issuer} differs from {e_issuer} "
                        f"(score {ISSUER_DIFFERS:.2f}: numbers collide across issuers)"
                    )
            else:
                score = ISSUER_UNKNOWN
                expl.append(f"issuer not known on both sides (score {ISSUER_UNKNOWN:.2f})")
            matches.append(Match(entry_id, score, original, tuple(expl)))
        matches.sort(key=lambda h: (-h.score, h.entry_id))
        return matches
