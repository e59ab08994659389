"""Vehicle registration plates: exact and near matches across Cyrillic/Latin look-alikes.

Normalisation: ``borderpost.plates.normalise_plate``, the rule vehicles are kept by too (upper
case; the Cyrillic letters that look like Latin ones on plates become those Latin letters;
spaces, dashes, dots and other separators removed). Equal after that -> score 1.0.

Near misses (possible matches, lower score, with an explanation):
* equal after folding the OCR confusions 0/O, 1/I, 8/B, 5/S, 2/Z -> 0.90 (-0.02 for each
  confused position beyond the first);
* one edit (substitution, insertion or deletion) after that folding -> 0.75, or 0.70 when
  it also needs an OCR confusion.
Near misses are found through a one-deletion neighbourhood index, never by a scan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from rapidfuzz.distance import Levenshtein

from borderpost.plates import normalise_plate

from .types import Match

__all__ = ["PlateIndex", "ocr_fold"]

_OCR = str.maketrans({"O": "0", "I": "1", "B": "8", "S": "5", "Z": "2"})
_OCR_PAIRS = {"0": "0/O", "1": "1/I", "8": "8/B", "5": "5/S", "2": "2/Z"}
OCR_MATCH = 0.90
OCR_EXTRA = 0.02
ONE_EDIT = 0.75
ONE_EDIT_OCR = 0.70


def ocr_fold(norm: str) -> str:
    return norm.translate(_OCR)


def _deletions(s: str) -> set[str]:
    return {s[:i] + s[i + 1 :] for i in range(len(s))}


class PlateIndex:
    def __init__(self) -> None:
        self._exact: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._ocr: dict[str, list[str]] = defaultdict(list)  # ocr key -> normalised plates
        self._dels: dict[str, set[str]] = defaultdict(set)  # deletion -> ocr keys

    def __len__(self) -> int:
        return sum(len(v) for v in self._exact.values())

    def add(self, entry_id: str, plate: str) -> None:
        norm = normalise_plate(plate)
        if not norm:
            return
        if norm not in self._exact:
            key = ocr_fold(norm)
            self._ocr[key].append(norm)
            self._dels[key].add(key)
            for d in _deletions(key):
                self._dels[d].add(key)
        self._exact[norm].append((entry_id, plate))

    def _matches_for(
        self, norm: str, score: float, why: str, exclude: Collection[str] | None
    ) -> list[Match]:
        return [
            Match(eid, score, original, (why,))
            for eid, original in self._exact[norm]
            if not (exclude and eid in exclude)
        ]

    def search(self, plate: str, *, exclude: Collection[str] | None = None) -> list[Match]:
        """Exact and near matches of ``plate``, best first; ``exclude``: entry ids left out.

        A plate whose entries are all left out matches nothing and stands in no other
        plate's way (a plate is skipped only once matched), so the result is that of an
        index built without those entries."""
        q = normalise_plate(plate)
        if not q:
            return []
        qk = ocr_fold(q)
        matches: list[Match] = []
        seen: set[str] = set()
        if q in self._exact:
            for eid, original in self._exact[q]:
                if exclude and eid in exclude:
                    continue
                how = (
                    "identical"
                    if original == plate
                    else f"equal after normalising look-alikes and separators ({q})"
                )
                matches.append(
                    Match(eid, 1.0, original, (f"plate {plate} matched {original} ({how})",))
                )
            seen.add(q)
        for norm in self._ocr.get(qk, ()):
            if norm in seen:
                continue
            seen.add(norm)
            diffs = [
                f"{_OCR_PAIRS.get(a.translate(_OCR), a + '/' + b)} at position {i + 1}"
                for i, (a, b) in enumerate(zip(q, norm, strict=True))
                if a != b
            ]
            score = round(OCR_MATCH - OCR_EXTRA * max(0, len(diffs) - 1), 4)
            matches += self._matches_for(
                norm,
                score,
                f"possible match: plate {plate} ~ {norm}, "
                f"OCR confusion {', '.join(diffs)} (score {score:.2f})",
                exclude,
            )
        cand_keys: set[str] = set()
        for d in _deletions(qk) | {qk}:
            cand_keys |= self._dels.get(d, set())
        for key in sorted(cand_keys):
            if key == qk or Levenshtein.distance(key, qk) != 1:
                continue
            for norm in self._ocr[key]:
                if norm in seen:
                    continue
                seen.add(norm)
                raw_edit = Levenshtein.distance(norm, q)
                ocr_too = raw_edit > 1
                score = ONE_EDIT_OCR if ocr_too else ONE_EDIT
                ops = Levenshtein.editops(qk, key)
                op = next(iter(ops), None)
                where = f"{op.tag} at position {op.src_pos + 1}" if op else "one edit"
                extra = " plus an OCR confusion" if ocr_too else ""
                matches += self._matches_for(
                    norm,
                    score,
                    f"possible match: plate {plate} ~ {norm}, "
                    f"one character differs ({where}){extra} "
                    f"(score {score:.2f})",
                    exclude,
                )
        matches.sort(key=lambda h: (-h.score, h.entry_id))
        return matches
