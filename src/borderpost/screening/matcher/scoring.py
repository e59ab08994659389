"""Scores and officer-readable explanations for name, birth date and nationality matches.

Token similarity works on the phonetic keys of ``names``:

* same key -> 1.0 (exact, or a transliteration variant of the same spelling);
* a part written in Arabic script is compared by consonant skeleton (Arabic script writes
  no short vowels): same skeleton -> 0.95;
* otherwise normalised Levenshtein similarity of the keys (rapidfuzz), raised to 0.90 when
  only vowels differ (Məmmədov / Мамедов / Mamedov) and the skeleton has >= 2 letters.

Name score (symmetric): parts are aligned one-to-one, best pairs first. Let k be the number
of non-patronymic parts on the side that has fewer of them; the k best aligned
non-patronymic similarities (missing ones count 0) give
``0.5 * mean + 0.5 * min``; then small penalties: each unaligned non-patronymic part on the
longer side -0.03 (at most -0.09); only one part to compare while the other side has more
-0.10; both sides have a patronymic and they differ -0.08. A missing patronymic, "bin X",
"X oğlu" costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

from .countries import ALPHA3_TO_ALPHA2
from .names import NameToken, ParsedName, parse_name, skeleton

__all__ = [
    "DOB_EQUAL",
    "NAT_DIFFERS",
    "THRESHOLD",
    "NameMatch",
    "compare_names",
    "date_adjustment",
    "explain_name_match",
    "key_similarity",
    "match_names",
    "nationality_adjustment",
    "normalise_country",
    "parse_date",
]

#: Default match threshold on the 0..1 score (name score plus birth date / nationality
#: adjustments). Chosen on the generated pair set (seed 7, not the evaluation seeds) as the
#: lowest value keeping hard-negative false positives at or under 1% in every language.
THRESHOLD: float = 0.78

DOB_EQUAL = 0.05
DOB_YEAR_EQUAL = 0.02
DOB_NEAR = -0.03
DOB_DIFFERS = -0.10
NAT_EQUAL = 0.02
NAT_DIFFERS = -0.05

EXTRA_PART_PENALTY = 0.03
EXTRA_PART_PENALTY_MAX = 0.09
SINGLE_PART_PENALTY = 0.10
PATRONYMIC_MISMATCH_PENALTY = 0.08
MIN_ALIGN = 0.30
MIDDLE_FACTOR = 0.90
CROSS_ROLE_FACTOR = 0.85
VOWEL_ONLY = 0.90
VOWEL_ONLY_SHORT = 0.85
VOWEL_MOVED = 0.85
ARABIC_SKELETON = 0.95
ARABIC_LONG_VOWEL_MISSING = 0.65


_VOWEL_CLASS = {"U": "UO", "I": "IE"}


def _long_vowels_written(arabic_key: str, other_key: str) -> bool:
    """Whether every consonant and long vowel of an Arabic-script key appears, in order, in
    the other key (محمود MHMUD needs a U/O after the second M: Mahmoud yes, Muhammad no)."""
    # alif (A) is left out: the article's alif is Abdul-/Abdel-/Abdal- in Latin
    pattern = arabic_key.lstrip("AEIOU").replace("A", "")
    pos = 0
    for ch in pattern:
        accept = _VOWEL_CLASS.get(ch, ch)
        while pos < len(other_key) and other_key[pos] not in accept:
            pos += 1
        if pos == len(other_key):
            return False
        pos += 1
    return True


def _cv(key: str) -> str:
    return "".join("V" if c in "AEIOU" else c for c in key)


def _one_key_similarity(a_key: str, b_key: str, a_arabic: bool, b_arabic: bool) -> float:
    if a_key == b_key:
        return 1.0
    sim = Levenshtein.normalized_similarity(a_key, b_key)
    if a_arabic and b_arabic:
        return sim  # both unvocalised: compare as written
    a_skel, b_skel = skeleton(a_key), skeleton(b_key)
    if a_arabic or b_arabic:
        ar, other = (a_key, b_key) if a_arabic else (b_key, a_key)
        factor = ARABIC_SKELETON if _long_vowels_written(ar, other) else ARABIC_LONG_VOWEL_MISSING
        if a_skel == b_skel:
            return max(sim, factor)
        return max(sim, factor * Levenshtein.normalized_similarity(a_skel, b_skel))
    if a_skel == b_skel and len(a_key) == len(b_key):
        if _cv(a_key) == _cv(b_key):
            # only vowels substituted (Məmmədov / Mamedov), not moved (Muhammad / Mahmud)
            if len(a_skel) >= 2:
                return max(sim, VOWEL_ONLY)
            if len(a_key) >= 3:
                return max(sim, VOWEL_ONLY_SHORT)
        elif len(a_skel) >= 3:
            return max(sim, VOWEL_MOVED)  # Pavlo / Pavel
    return sim


@lru_cache(maxsize=1 << 20)
def key_similarity(
    a_key: str, a_alt: str, a_arabic: bool, b_key: str, b_alt: str, b_arabic: bool
) -> float:
    """Similarity 0..1 of two name parts given their keys and alternate keys."""
    if a_key == b_key:
        return 1.0
    best = _one_key_similarity(a_key, b_key, a_arabic, b_arabic)
    if a_alt or b_alt:
        a_keys = [a_key, *a_alt.split("|")] if a_alt else [a_key]
        b_keys = [b_key, *b_alt.split("|")] if b_alt else [b_key]
        for ak in a_keys:
            for bk in b_keys:
                if ak == bk:
                    return 1.0
                if ak is not a_key or bk is not b_key:
                    best = max(best, _one_key_similarity(ak, bk, a_arabic, b_arabic))
    return best


@dataclass(frozen=True)
class FlatKeys:
    """Keys as numpy arrays (the key, its skeleton, its consonant/vowel pattern and their
    lengths) for ``flat_key_similarity``; an index computes them once for its vocabulary."""

    key: np.ndarray
    skel: np.ndarray
    cv: np.ndarray
    length: np.ndarray
    skel_length: np.ndarray

    @classmethod
    def of(cls, keys: Sequence[str]) -> FlatKeys:
        skels = [skeleton(k) for k in keys]
        return cls(
            np.array(keys, dtype=str),
            np.array(skels, dtype=str),
            np.array([_cv(k) for k in keys], dtype=str),
            np.array([len(k) for k in keys], dtype=np.int64),
            np.array([len(k) for k in skels], dtype=np.int64),
        )

    def take(self, pos: np.ndarray) -> FlatKeys:
        return FlatKeys(
            self.key[pos], self.skel[pos], self.cv[pos], self.length[pos], self.skel_length[pos]
        )


def flat_key_similarity(
    a_key: str, a_alt: str, keys: Sequence[str], flat: FlatKeys, starts: np.ndarray
) -> np.ndarray:
    """``key_similarity`` of one non-Arabic part against non-Arabic keys and alternates laid
    out flat (``keys``, and the same as ``flat``), one result per group beginning at
    ``starts``: the best over the group's keys."""
    q = [a_key, *a_alt.split("|")] if a_alt else [a_key]
    lev = cdist(q, keys, scorer=Levenshtein.normalized_similarity, dtype=np.float64)
    qa = np.array(q, dtype=str)
    qs = np.array([skeleton(k) for k in q], dtype=str)
    qc = np.array([_cv(k) for k in q], dtype=str)
    ql = np.array([len(k) for k in q])[:, None]
    qsl = np.array([len(k) for k in qs])[:, None]
    same_skel = (qs[:, None] == flat.skel[None, :]) & (ql == flat.length[None, :])
    same_cv = qc[:, None] == flat.cv[None, :]
    boost = np.where(
        same_cv,
        np.where(qsl >= 2, VOWEL_ONLY, np.where(ql >= 3, VOWEL_ONLY_SHORT, 0.0)),
        np.where(qsl >= 3, VOWEL_MOVED, 0.0),
    )
    sim = np.where(same_skel, np.maximum(lev, boost), lev)
    sim = np.where(qa[:, None] == flat.key[None, :], 1.0, sim).max(axis=0)
    return np.asarray(np.maximum.reduceat(sim, starts), dtype=np.float64)


def batch_key_similarity(
    a_key: str,
    a_alt: str,
    a_arabic: bool,
    keys: Sequence[str],
    alts: Sequence[str],
    arabic: Sequence[bool],
) -> np.ndarray:
    """``key_similarity`` of one part against many, vectorised for the non-Arabic pairs
    (the same rules; the Arabic pairs go through ``key_similarity``)."""
    n = len(keys)
    out = np.zeros(n, dtype=np.float64)
    if n == 0:
        return out
    flat: list[str] = []
    owner: list[int] = []
    slow: list[int] = []
    for i in range(n):
        if a_arabic or arabic[i]:
            slow.append(i)
            continue
        flat.append(keys[i])
        owner.append(i)
        if alts[i]:
            for alt in alts[i].split("|"):
                flat.append(alt)
                owner.append(i)
    if flat:
        own = np.array(owner)
        starts = np.flatnonzero(np.r_[True, own[1:] != own[:-1]])
        out[own[starts]] = flat_key_similarity(a_key, a_alt, flat, FlatKeys.of(flat), starts)
    if slow:
        out[slow] = arabic_key_similarity(
            a_key,
            a_alt,
            a_arabic,
            [keys[i] for i in slow],
            [alts[i] for i in slow],
            [arabic[i] for i in slow],
        )
    return out


def arabic_key_similarity(
    a_key: str,
    a_alt: str,
    a_arabic: bool,
    keys: Sequence[str],
    alts: Sequence[str],
    arabic: Sequence[bool],
) -> np.ndarray:
    """``key_similarity`` of one part against many where one side or both are written in
    Arabic script: the distances in two C calls (keys, skeletons); only the long-vowel test
    (``_long_vowels_written``) stays per pair, and only where it can change the result."""
    n = len(keys)
    out = np.zeros(n, dtype=np.float64)
    if n == 0:
        return out
    flat: list[str] = []
    owner: list[int] = []
    for i in range(n):
        flat.append(keys[i])
        owner.append(i)
        if alts[i]:
            for alt in alts[i].split("|"):
                flat.append(alt)
                owner.append(i)
    q = [a_key, *a_alt.split("|")] if a_alt else [a_key]
    own = np.array(owner)
    lev = cdist(q, flat, scorer=Levenshtein.normalized_similarity, dtype=np.float64)
    skel = cdist(
        [skeleton(k) for k in q],
        [skeleton(k) for k in flat],
        scorer=Levenshtein.normalized_similarity,
        dtype=np.float64,
    )
    both = np.array([a_arabic and arabic[o] for o in owner], dtype=bool)
    # one side Arabic: max(lev, factor * skeleton similarity), factor 0.95 when the Arabic
    # key's consonants and long vowels are all written in the other, else 0.65
    sim = np.where(both, lev, np.maximum(lev, ARABIC_LONG_VOWEL_MISSING * skel))
    maybe = ~both & (ARABIC_SKELETON * skel > sim)
    for qi, fi in zip(*np.nonzero(maybe), strict=True):
        ak, bk = q[qi], flat[fi]
        ar, other = (ak, bk) if a_arabic else (bk, ak)
        if _long_vowels_written(ar, other):
            sim[qi, fi] = max(lev[qi, fi], ARABIC_SKELETON * skel[qi, fi])
    qa = np.array(q, dtype=str)
    fa = np.array(flat, dtype=str)
    sim = np.where(qa[:, None] == fa[None, :], 1.0, sim).max(axis=0)
    starts = np.flatnonzero(np.r_[True, own[1:] != own[:-1]])
    out[own[starts]] = np.maximum.reduceat(sim, starts)
    return out


def token_similarity(a: NameToken, b: NameToken) -> float:
    return key_similarity(a.key, a.alt, a.arabic, b.key, b.alt, b.arabic)


@dataclass(frozen=True, slots=True)
class NameMatch:
    score: float
    pairs: tuple[tuple[int, int, float], ...]  # (query index, entry index, similarity)
    unmatched_query: tuple[int, ...]
    unmatched_entry: tuple[int, ...]
    penalties: tuple[tuple[str, float], ...]
    query: ParsedName
    entry: ParsedName


def _align(sims: list[list[float]]) -> list[tuple[int, int, float]]:
    cells = [(s, i, j) for i, row in enumerate(sims) for j, s in enumerate(row) if s >= MIN_ALIGN]
    cells.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_i: set[int] = set()
    used_j: set[int] = set()
    pairs: list[tuple[int, int, float]] = []
    for s, i, j in cells:
        if i in used_i or j in used_j:
            continue
        used_i.add(i)
        used_j.add(j)
        pairs.append((i, j, s))
    return pairs


def combine(
    q_opt: Sequence[bool], e_opt: Sequence[bool], pairs: Sequence[tuple[int, int, float]]
) -> tuple[float, list[tuple[str, float]]]:
    """Name score from an alignment; shared by the index's candidate ranking."""
    nq, ne = len(q_opt), len(e_opt)
    q_core = [i for i in range(nq) if not q_opt[i]]
    e_core = [j for j in range(ne) if not e_opt[j]]
    if not q_core:
        q_core = list(range(nq))
    if not e_core:
        e_core = list(range(ne))
    k = min(len(q_core), len(e_core))
    penalties: list[tuple[str, float]] = []
    if k == 0:
        return 0.0, penalties
    q_core_set, e_core_set = set(q_core), set(e_core)
    core_sims = sorted(
        (s for i, j, s in pairs if i in q_core_set and j in e_core_set), reverse=True
    )[:k]
    core_sims += [0.0] * (k - len(core_sims))
    score = 0.5 * sum(core_sims) / k + 0.5 * core_sims[-1]
    aligned_q = {i for i, _, _ in pairs}
    aligned_e = {j for _, j, _ in pairs}
    extra = max(
        sum(1 for i in q_core if i not in aligned_q), sum(1 for j in e_core if j not in aligned_e)
    )
    if extra and len(q_core) != len(e_core):
        extra = min(extra, abs(len(q_core) - len(e_core)))
        pen = min(EXTRA_PART_PENALTY * extra, EXTRA_PART_PENALTY_MAX)
        penalties.append((f"{extra} extra name part(s) without counterpart", -pen))
        score -= pen
    if k == 1 and max(len(q_core), len(e_core)) > 1:
        penalties.append(("only one name part to compare", -SINGLE_PART_PENALTY))
        score -= SINGLE_PART_PENALTY
    q_patr = [i for i in range(nq) if q_opt[i]]
    e_patr = [j for j in range(ne) if e_opt[j]]
    if q_patr and e_patr and len(q_core) < nq and len(e_core) < ne:
        matched = any(i in q_patr and j in e_patr and s >= 0.75 for i, j, s in pairs)
        if not matched:
            penalties.append(("patronymics differ", -PATRONYMIC_MISMATCH_PENALTY))
            score -= PATRONYMIC_MISMATCH_PENALTY
    return max(0.0, min(1.0, score)), penalties


def middle_parts(optional: Sequence[bool], roles: Sequence[str], form: str) -> list[int]:
    """Indexes of core parts that are neither the first nor the last (plain order), or
    given names after the first one (list/MRZ form)."""
    core = [i for i, o in enumerate(optional) if not o]
    if len(core) < 3:
        return []
    if form == "plain":
        return core[1:-1]
    given = [i for i in core if roles[i] == "given"]
    return given[1:]


def score_alignment(
    sims: list[list[float]],
    q_opt: Sequence[bool],
    e_opt: Sequence[bool],
    q_mid: Sequence[int],
    e_mid: Sequence[int],
    q_roles: Sequence[str] = (),
    e_roles: Sequence[str] = (),
) -> tuple[float, list[tuple[int, int, float]], list[tuple[str, float]]]:
    """Align parts one-to-one (best pairs first) and score; ``sims`` is modified.

    When one side has more core parts, a part in its middle (father's or grandfather's name
    in "Given Father Grandfather Family") matching the other side is weaker evidence than a
    first or last part: brothers share them.
    """
    nq_core = sum(1 for o in q_opt if not o)
    ne_core = sum(1 for o in e_opt if not o)
    if nq_core > ne_core and q_mid:
        for i in q_mid:
            sims[i] = [s * MIDDLE_FACTOR for s in sims[i]]
    elif ne_core > nq_core and e_mid:
        for row in sims:
            for j in e_mid:
                row[j] *= MIDDLE_FACTOR
    # Prefer aligning like with like: a patronymic with a patronymic, and (where both sides
    # say so) a surname with a surname.
    if any(q_opt) or any(e_opt) or (q_roles and e_roles):
        for i, row in enumerate(sims):
            qo = q_opt[i]
            qr = q_roles[i] if q_roles else ""
            for j in range(len(row)):
                if qo != e_opt[j] or (qr and e_roles and e_roles[j] and qr != e_roles[j]):
                    row[j] *= CROSS_ROLE_FACTOR
    pairs = _align(sims)
    score, penalties = combine(q_opt, e_opt, pairs)
    return score, pairs, penalties


def _middle(name: ParsedName) -> list[int]:
    return middle_parts([t.optional for t in name.tokens], [t.role for t in name.tokens], name.form)


def match_names(query: ParsedName, entry: ParsedName) -> NameMatch:
    qt, et = query.tokens, entry.tokens
    if not qt or not et:
        return NameMatch(0.0, (), tuple(range(len(qt))), tuple(range(len(et))), (), query, entry)
    sims = [[token_similarity(a, b) for b in et] for a in qt]
    score, pairs, penalties = score_alignment(
        sims,
        [t.optional for t in qt],
        [t.optional for t in et],
        _middle(query),
        _middle(entry),
        [t.role for t in qt],
        [t.role for t in et],
    )
    return name_match(query, entry, score, pairs, penalties)


def name_match(
    query: ParsedName,
    entry: ParsedName,
    score: float,
    pairs: Sequence[tuple[int, int, float]],
    penalties: Sequence[tuple[str, float]],
) -> NameMatch:
    """The ``NameMatch`` of an alignment ``score_alignment`` made of ``query``'s and
    ``entry``'s tokens (the index scores from its stored parts, then explains with this)."""
    aq = {i for i, _, _ in pairs}
    ae = {j for _, j, _ in pairs}
    return NameMatch(
        score,
        tuple(sorted(pairs)),
        tuple(i for i in range(len(query.tokens)) if i not in aq),
        tuple(j for j in range(len(entry.tokens)) if j not in ae),
        tuple(penalties),
        query,
        entry,
    )


def compare_names(a: str, b: str) -> float:
    """Similarity 0..1 of two names written in any script, order or MRZ form."""
    return match_names(parse_name(a), parse_name(b)).score


# --------------------------------------------------------------------------------------
# Explanations
# --------------------------------------------------------------------------------------


def _label(tok: NameToken) -> str:
    return {"surname": "surname", "given": "given name", "patronymic": "patronymic"}.get(
        tok.role, "name part"
    )


def _how(a: NameToken, b: NameToken, sim: float) -> str:
    notes: list[str] = []
    for t in (a, b):
        if t.script != "Latin":
            notes.append(f"{t.script}, transliterated {t.latin.upper()}")
    if a.key == b.key:
        if a.latin == b.latin and a.script == b.script and a.raw.casefold() == b.raw.casefold():
            method = "exact"
        elif a.latin == b.latin:
            method = "same letters after transliteration"
        else:
            method = f"same sound key {a.key} (spelling/transliteration variant)"
    elif (a.arabic or b.arabic) and a.skel == b.skel:
        method = f"same consonants {a.skel} (Arabic script writes no short vowels)"
    elif a.skel == b.skel and len(a.skel) >= 2:
        method = f"only vowels differ ({a.key} / {b.key})"
    else:
        edits = Levenshtein.distance(a.key, b.key)
        method = f"{edits} edit{'s' if edits != 1 else ''} ({a.key} / {b.key})"
    notes.append(method)
    return f"{'; '.join(notes)}; similarity {sim:.2f}"


def explain_name_match(m: NameMatch) -> list[str]:
    lines: list[str] = []
    qt, et = m.query.tokens, m.entry.tokens
    for i, j, s in m.pairs:
        a, b = qt[i], et[j]
        label = _label(a) if a.role else _label(b)
        lines.append(f"{label} {a.raw} matched {b.raw} ({_how(a, b, s)})")
    for i in m.unmatched_query:
        t = qt[i]
        cost = "no penalty" if t.optional else "counted as missing"
        lines.append(f"{_label(t)} {t.raw} in the query has no counterpart ({cost})")
    for j in m.unmatched_entry:
        t = et[j]
        cost = "no penalty" if t.optional else "counted as missing"
        lines.append(f"{_label(t)} {t.raw} in the entry has no counterpart ({cost})")
    for text, delta in m.penalties:
        lines.append(f"{text} ({delta:+.2f})")
    lines.append(f"name score {m.score:.2f}")
    return lines


# --------------------------------------------------------------------------------------
# Birth dates and nationalities
# --------------------------------------------------------------------------------------


def parse_date(text: str | None) -> tuple[int, int, int] | None:
    """'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' -> (year, month, day), 0 for unknown parts."""
    if not text:
        return None
    parts = text.strip().replace("/", "-").replace(".", "-").split("-")
    try:
        nums = [int(p) for p in parts if p]
    except ValueError:
        return None
    if not nums or not 1000 <= nums[0] <= 2999:
        return None
    y = nums[0]
    m = nums[1] if len(nums) > 1 and 1 <= nums[1] <= 12 else 0
    d = nums[2] if len(nums) > 2 and 1 <= nums[2] <= 31 else 0
    return (y, m, d)


def _fmt(d: tuple[int, int, int]) -> str:
    y, m, dd = d
    if m and dd:
        return f"{y:04d}-{m:02d}-{dd:02d}"
    if m:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}"


def date_adjustment(query: str | None, entry_dates: Sequence[str]) -> tuple[float, str]:
    q = parse_date(query)
    dates = [d for d in (parse_date(x) for x in entry_dates) if d]
    if q is None or not dates:
        return 0.0, "birth date: nothing to compare (0.00)"
    best: tuple[float, str] | None = None
    for d in dates:
        if q == d and q[1] and q[2]:
            cand = (DOB_EQUAL, f"birth date {_fmt(q)} equal ({DOB_EQUAL:+.2f})")
        elif q[0] == d[0] and (not q[1] or not d[1] or (q[1] == d[1] and (not q[2] or not d[2]))):
            cand = (
                DOB_YEAR_EQUAL,
                f"birth year {q[0]} equal, {_fmt(d)} vs {_fmt(q)} ({DOB_YEAR_EQUAL:+.2f})",
            )
        elif q[0] == d[0] and q[1] == d[2] and q[2] == d[1]:
            cand = (
                DOB_YEAR_EQUAL,
                f"birth date {_fmt(q)} vs {_fmt(d)}: day and month swapped ({DOB_YEAR_EQUAL:+.2f})",
            )
        elif q[0] == d[0]:
            cand = (0.0, f"birth year {q[0]} equal but {_fmt(q)} vs {_fmt(d)} (0.00)")
        elif abs(q[0] - d[0]) == 1:
            cand = (DOB_NEAR, f"birth year {q[0]} vs {d[0]}, one year apart ({DOB_NEAR:+.2f})")
        else:
            cand = (
                DOB_DIFFERS,
                f"birth date {_fmt(q)} differs from {_fmt(d)} ({DOB_DIFFERS:+.2f})",
            )
        if best is None or cand[0] > best[0]:
            best = cand
    assert best is not None
    return best


_ICAO_SPECIAL = {
    "D": "DE",
    "GBD": "GB",
    "GBN": "GB",
    "GBO": "GB",
    "GBP": "GB",
    "GBS": "GB",
    "RKS": "XK",
    "UNO": "UN",
    "UNA": "UN",
    "XXA": "XX",
    "XXB": "XX",
}


def normalise_country(code: str | None) -> str | None:
    """ISO alpha-2 or alpha-3 (and ICAO 'D', 'GBD' ...) -> upper-case alpha-2."""
    if not code:
        return None
    c = code.strip().upper().replace("<", "")
    if not c:
        return None
    if c in _ICAO_SPECIAL:
        return _ICAO_SPECIAL[c]
    if len(c) == 3:
        return ALPHA3_TO_ALPHA2.get(c, c)
    return c


def nationality_adjustment(query: str | None, entry_nats: Sequence[str]) -> tuple[float, str]:
    q = normalise_country(query)
    nats = [n for n in (normalise_country(x) for x in entry_nats) if n]
    if not q or not nats:
        return 0.0, "nationality: nothing to compare (0.00)"
    if q in nats:
        return NAT_EQUAL, f"nationality {q} equal ({NAT_EQUAL:+.2f})"
    return NAT_DIFFERS, f"nationality {q} differs from {', '.join(nats)} ({NAT_DIFFERS:+.2f})"
