"""In-process person index: token vocabulary, skeleton blocking, postings, vectorised ranking.

Layout (all numpy arrays after ``build``/first ``search``; no Python object per entry):

* vocabulary: one id per distinct (phonetic key, alternate key, Arabic-script flag);
* blocking table: sorted 64-bit hashes of each vocabulary key's consonant skeleton and of
  its one-deletion variants (for skeletons of 3+ letters), with the vocabulary id;
* forward index: name -> vocabulary ids of its parts (+ patronymic flag), name -> entry;
* postings: vocabulary id -> names containing it (CSR);
* entries: id strings and name strings in UTF-8 blobs with offsets, dates and
  nationalities as small integer arrays.

Search for one query:

1. each query part -> similar vocabulary entries through the blocking table, scored with
   ``key_similarity`` (kept when >= 0.55);
2. candidate names = postings of the strong neighbours (>= 0.70) of the query parts whose
   postings stay under ``candidate_budget``, sorted as one 32-bit (name, part) key (written,
   radix-sorted and read back by the compiled loops of ``kernels``): names sharing at
   least two parts (or, when few do, the most selective one);
3. every candidate's parts are looked up in one table of all neighbours (>= 0.55) of all
   query parts, and the candidate gets a vectorised approximate score (same formula as
   ``scoring.combine`` with greedy alignment, birth date/nationality adjustments included);
4. the best ``rerank`` names are re-scored exactly with ``match_names`` (the same function
   as ``compare_names``), grouped by entry, and explained.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Collection, Iterable, Sequence

import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

from . import kernels
from .names import (
    _ARABIC_FUSE,
    _FUSE_TRIGGERS,
    _PATRONYMIC_MARKERS_AFTER,
    _PATRONYMIC_MARKERS_BEFORE,
    _PATRONYMIC_RE,
    NameToken,
    ParsedName,
    name_tokens,
    parse_name,
    skeleton,
    split_parts,
    token_info,
)
from .scoring import (
    DOB_DIFFERS,
    DOB_EQUAL,
    DOB_NEAR,
    DOB_YEAR_EQUAL,
    EXTRA_PART_PENALTY,
    EXTRA_PART_PENALTY_MAX,
    NAT_DIFFERS,
    NAT_EQUAL,
    SINGLE_PART_PENALTY,
    VOWEL_MOVED,
    VOWEL_ONLY,
    VOWEL_ONLY_SHORT,
    FlatKeys,
    _cv,
    batch_key_similarity,
    date_adjustment,
    explain_name_match,
    key_similarity,
    match_names,
    middle_parts,
    name_match,
    nationality_adjustment,
    normalise_country,
    parse_date,
    score_alignment,
)
from .types import Match, PersonEntry, Query

__all__ = ["Match", "PersonEntry", "PersonIndex", "Query", "search_layers"]

TOKEN_MIN_SIMILARITY = 0.55
_MAX_QUERY_PARTS = 8
RERANK_MARGIN = 0.10
_FEW_PAIRS = 32  # up to this many Arabic-script look-ups go pair by pair (see _vocab_similarity)
GENERATE_MIN_SIMILARITY = 0.70
_SIM_BITS = 7  # similarity bits in a candidate's sort key
_SIM_MAX = (1 << _SIM_BITS) - 1
_MARKERS = _PATRONYMIC_MARKERS_AFTER | _PATRONYMIC_MARKERS_BEFORE
_ROLES = {"": 0, "surname": 1, "given": 2, "patronymic": 3}
_ROLE_NAMES = ("", "surname", "given", "patronymic")
_FORMS = {"plain": 0, "list": 1, "mrz": 2}
_FORM_NAMES = ("plain", "list", "mrz")


def _encode_date(text: str) -> int:
    d = parse_date(text)
    if d is None:
        return -1
    return d[0] * 10000 + d[1] * 100 + d[2]


def _block_keys(key: str, alt: str) -> set[str]:
    out: set[str] = set()
    for k in (key, *alt.split("|")):
        if not k:
            continue
        sk = skeleton(k)
        out.add(sk)
        if len(sk) >= 3:
            for i in range(len(sk)):
                out.add(sk[:i] + sk[i + 1 :])
    return out


def _hash(text: str) -> int:
    """Blocking-table hash. Python salts ``str`` hashes per process (PYTHONHASHSEED), so an
    index is valid only in the process that built it: an index pickled and loaded elsewhere
    finds only exact keys until ``PersonIndex.rehash`` recomputes what holds these hashes
    (``screening.prebuilt`` does)."""
    return hash(text) & 0x7FFFFFFFFFFFFFFF


class PersonIndex:
    """Screening index over person entries. ``add`` entries (or ``build`` from an iterable),
    then ``search``. Adding after a search re-finalises the index on the next search."""

    def __init__(
        self,
        *,
        candidate_budget: int = 50_000,
        rerank: int = 20,
        min_candidates: int = 200,
        max_scored: int = 3000,
    ) -> None:
        self.candidate_budget = candidate_budget
        self.max_scored = max_scored
        self.rerank = rerank
        self.min_candidates = min_candidates
        # vocabulary
        self._vocab: dict[tuple[str, str, bool], int] = {}
        self._v_key: list[str] = []
        self._v_alt: list[str] = []
        self._v_arabic = bytearray()
        # per name
        self._name_tok = array("I")
        self._name_role = bytearray()  # 0 unknown, 1 surname, 2 given, 3 patronymic
        self._name_form = bytearray()  # 0 plain, 1 list, 2 mrz
        self._name_off = array("Q", [0])
        self._name_entry = array("I")
        self._name_blob = bytearray()
        self._name_blob_off = array("Q", [0])
        # per entry
        self._eid_blob = bytearray()
        self._eid_off = array("Q", [0])
        self._eid_hash = array("q")  # _hash of each entry id, for exclusions
        self._dates = array("i")
        self._dates_off = array("I", [0])
        self._nats = array("H")
        self._nats_off = array("I", [0])
        self._country_ids: dict[str, int] = {}
        self._countries: list[str] = []
        self._finalised = False
        self._a_tok: np.ndarray = np.zeros(0, np.uint32)
        self._a_entry: np.ndarray = np.zeros(0, np.uint32)
        self._raw: dict[str, tuple[int, int]] = {}
        self._date_cache: dict[str, int] = {}
        self._country_cache: dict[str, int] = {}
        self._tok_cache: dict[tuple[str, str, bool], tuple[np.ndarray, np.ndarray]] = {}
        self._eid_sorted: np.ndarray = np.zeros(0, np.int64)
        self._eid_order: np.ndarray = np.zeros(0, np.int64)
        self._exclusions: dict[frozenset[str], _Exclusion] = {}

    # ---------------------------------------------------------------------------- build
    def __len__(self) -> int:
        return len(self._eid_off) - 1

    def _vid(self, t: NameToken) -> int:
        k = (t.key, t.alt, t.arabic)
        vid = self._vocab.get(k)
        if vid is None:
            vid = len(self._v_key)
            self._vocab[k] = vid
            self._v_key.append(t.key)
            self._v_alt.append(t.alt)
            self._v_arabic.append(1 if t.arabic else 0)
        return vid

    def _raw_kind(self, raw: str) -> tuple[int, int]:
        """(vocabulary id, kind) of a raw token; kind 0 plain, 1 patronymic by suffix,
        2 needs the full parser (particle, Arabic article...), 3 no letters."""
        info = token_info(raw)
        if info is None:
            res = (-1, 3)
        elif info.latin in _FUSE_TRIGGERS or raw in _ARABIC_FUSE or info.key in _MARKERS:
            res = (-1, 2)
        else:
            kind = 1 if len(info.key) > 4 and _PATRONYMIC_RE.search(info.key) else 0
            res = (self._vid(info), kind)
        self._raw[raw] = res
        return res

    def _parsed_vids(self, raws: list[str], roles: list[str], form: str) -> tuple[list[int], bytes]:
        toks = name_tokens(raws, roles, form)
        return [self._vid(t) for t in toks], bytes([_ROLES[t.role] for t in toks])

    def _name_vids(self, name: str) -> tuple[int, list[int], bytes]:
        """Form code, vocabulary ids and role codes of a name's parts: the same as
        ``parse_name`` but with a per-raw-token cache; names with particles or Arabic
        articles go through the parser's second step (``name_tokens``)."""
        form, raws, roles = split_parts(name)
        raw_map = self._raw
        vids: list[int] = []
        codes: list[int] = []
        suffix_at: list[int] = []
        for raw, role in zip(raws, roles, strict=True):
            r = raw_map.get(raw)
            if r is None:
                r = self._raw_kind(raw)
            kind = r[1]
            if kind == 2:
                v, b = self._parsed_vids(raws, roles, form)
                return _FORMS[form], v, b
            if kind == 3:
                continue
            code = _ROLES[role]
            if kind == 1 and code != 1:
                suffix_at.append(len(vids))
            vids.append(r[0])
            codes.append(code)
        if suffix_at and len(vids) - len(suffix_at) >= 2:
            for i in suffix_at:
                codes[i] = 3
        return _FORMS[form], vids, bytes(codes)

    def _country(self, code: str | None) -> int:
        c = normalise_country(code)
        if not c:
            return 0
        cid = self._country_ids.get(c)
        if cid is None:
            self._countries.append(c)
            cid = len(self._countries)  # 0 = unknown
            self._country_ids[c] = cid
        return cid

    def add(self, entry: PersonEntry) -> None:
        self.add_fields(entry.entry_id, entry.names, entry.birth_dates, entry.nationalities)

    def add_fields(
        self,
        entry_id: str,
        names: Iterable[str],
        birth_dates: Iterable[str],
        nationalities: Iterable[str],
    ) -> None:
        """``add`` without a ``PersonEntry``: what the build from the database calls."""
        if self._finalised:
            # numpy views share the growing arrays' buffers: drop them before appending
            self._a_tok = self._a_entry = np.zeros(0, np.uint32)
            self._finalised = False
        eidx = len(self._eid_off) - 1
        self._eid_blob += entry_id.encode()
        self._eid_off.append(len(self._eid_blob))
        self._eid_hash.append(_hash(entry_id))
        date_cache = self._date_cache
        for d in birth_dates:
            code = date_cache.get(d)
            if code is None:
                code = date_cache[d] = _encode_date(d)
            if code >= 0:
                self._dates.append(code)
        self._dates_off.append(len(self._dates))
        for n in nationalities:
            cid = self._country_cache.get(n)
            if cid is None:
                cid = self._country_cache[n] = self._country(n)
            if cid:
                self._nats.append(cid)
        self._nats_off.append(len(self._nats))
        name_tok, name_blob = self._name_tok, self._name_blob
        for name in names:
            form, vids, roles = self._name_vids(name)
            if not vids:
                continue
            name_tok.extend(vids)
            self._name_role += roles
            self._name_form.append(form)
            self._name_off.append(len(name_tok))
            self._name_entry.append(eidx)
            name_blob += name.encode()
            self._name_blob_off.append(len(name_blob))

    def build(self, entries: Iterable[PersonEntry]) -> PersonIndex:
        for e in entries:
            self.add(e)
        self._finalise()
        return self

    def _finalise(self) -> None:
        n_names = len(self._name_entry)
        v = len(self._v_key)
        empty32 = np.zeros(0, np.uint32)
        self._a_tok = np.frombuffer(self._name_tok, dtype=np.uint32) if n_names else empty32
        self._a_role = np.frombuffer(bytes(self._name_role), dtype=np.uint8)
        self._a_opt = (self._a_role == 3).astype(np.uint8)
        self._a_off = np.frombuffer(self._name_off, dtype=np.uint64).astype(np.int64)
        self._a_entry = np.frombuffer(self._name_entry, dtype=np.uint32) if n_names else empty32
        lens = np.diff(self._a_off)
        self._a_len = lens.astype(np.int32)
        self._a_core = (
            lens - np.add.reduceat(self._a_opt.astype(np.int32), self._a_off[:-1])
            if n_names
            else np.zeros(0, np.int32)
        ).astype(np.int32)
        # postings (vocab id -> names), deduplicated per name
        # A stable sort of the part ids keeps each part's names in name order, so a name
        # holding one part twice is a neighbour of itself; no 64-bit (part, name) pairs and
        # no np.unique copies: about half the peak memory of the build's last step.
        order = np.argsort(self._a_tok, kind="stable")
        post = np.repeat(np.arange(n_names, dtype=np.uint32), lens)[order]
        p_tok = self._a_tok[order]
        del order
        fresh = np.ones(len(post), dtype=bool)
        fresh[1:] = (p_tok[1:] != p_tok[:-1]) | (post[1:] != post[:-1])
        self._post = post[fresh]
        counts = np.bincount(p_tok[fresh], minlength=v)
        del post, p_tok, fresh
        self._post_off = np.zeros(v + 1, dtype=np.int64)
        np.cumsum(counts, out=self._post_off[1:])
        self._blocking()
        # every vocabulary key and alternate laid out flat, with what the similarity needs,
        # so that a query part's look-up does no per-candidate string work in Python
        flat: list[str] = []
        per_vid = np.zeros(v, dtype=np.int64)
        for vid, (k, a) in enumerate(zip(self._v_key, self._v_alt, strict=True)):
            flat.append(k)
            if a:
                flat.extend(a.split("|"))
                per_vid[vid] = 1 + a.count("|") + 1
            else:
                per_vid[vid] = 1
        self._vf_key = flat
        self._vf = FlatKeys.of(flat)
        # the same keys as code-point matrices for kernels.flat_similarity (views: no copy)
        self._vf_codes = (
            kernels.codes(self._vf.key),
            kernels.codes(self._vf.skel),
            kernels.codes(self._vf.cv),
        )
        self._vf_off = np.zeros(v + 1, dtype=np.int64)
        np.cumsum(per_vid, out=self._vf_off[1:])
        # entries: first two dates and first nationality for the vectorised stage
        n_ent = len(self)
        d_off = np.frombuffer(self._dates_off, dtype=np.uint32).astype(np.int64)
        dates = (
            np.frombuffer(self._dates, dtype=np.int32)
            if len(self._dates)
            else np.zeros(0, np.int32)
        )
        d_cnt = np.diff(d_off)
        self._e_dob1 = np.full(n_ent, -1, dtype=np.int32)
        self._e_dob2 = np.full(n_ent, -1, dtype=np.int32)
        has1 = d_cnt >= 1
        self._e_dob1[has1] = dates[d_off[:-1][has1]]
        has2 = d_cnt >= 2
        self._e_dob2[has2] = dates[d_off[:-1][has2] + 1]
        n_off = np.frombuffer(self._nats_off, dtype=np.uint32).astype(np.int64)
        nats = (
            np.frombuffer(self._nats, dtype=np.uint16)
            if len(self._nats)
            else np.zeros(0, np.uint16)
        )
        n_cnt = np.diff(n_off)
        self._e_nat = np.zeros(n_ent, dtype=np.int32)
        hasn = n_cnt >= 1
        self._e_nat[hasn] = nats[n_off[:-1][hasn]]
        self._pack_names()
        self._sort_entry_ids()
        self._exclusions.clear()
        self._tok_cache.clear()
        self._raw.clear()
        self._date_cache.clear()
        self._finalised = True

    def _blocking(self) -> None:
        """The blocking table: the hash of each block key of each vocabulary part."""
        hashes: list[int] = []
        vids: list[int] = []
        for vid, (k, a) in enumerate(zip(self._v_key, self._v_alt, strict=True)):
            for bk in _block_keys(k, a):
                hashes.append(_hash(bk))
                vids.append(vid)
        h = np.array(hashes, dtype=np.int64)
        order = np.argsort(h, kind="stable")
        self._blk_hash = h[order]
        self._blk_vid = np.array(vids, dtype=np.int32)[order]

    def _sort_entry_ids(self) -> None:
        """Entry ids by hash, for exclusions (a copy: the array keeps growing on add)."""
        eid_hash = np.array(self._eid_hash, dtype=np.int64)
        self._eid_order = np.argsort(eid_hash, kind="stable")
        self._eid_sorted = eid_hash[self._eid_order]

    def rehash(self) -> None:
        """Recompute what holds this process's ``str`` hashes (``_hash``): the entry ids'
        and the blocking table. For a finalised index made in another process (unpickled):
        after it, the index answers exactly as one built here from the same entries."""
        if not self._finalised:
            raise ValueError("only a finalised index is rehashed")
        blob, off = bytes(self._eid_blob), self._eid_off
        self._eid_hash = array(
            "q", [_hash(blob[off[i] : off[i + 1]].decode()) for i in range(len(off) - 1)]
        )
        self._blocking()
        self._sort_entry_ids()
        self._exclusions.clear()
        self._tok_cache.clear()

    def _pack_names(self) -> None:
        """One 16-byte row per name with what the vectorised ranking reads: parts and core
        parts (capped at 255, beyond any penalty), first two birth dates, first nationality.
        Ranking 3,000 candidates then touches one cache line each instead of six scattered
        arrays (the gathers were most of ``_approx_scores``)."""
        ent = self._a_entry
        rec = np.empty((len(ent), 4), dtype=np.int32)
        rec[:, 0] = np.minimum(self._a_len, 255) | (np.minimum(self._a_core, 255) << 8)
        rec[:, 1] = self._e_dob1[ent]
        rec[:, 2] = self._e_dob2[ent]
        rec[:, 3] = self._e_nat[ent]
        self._n_rec = rec

    # --------------------------------------------------------------------------- search
    def _prefilter(self, t: NameToken, cand: list[int]) -> list[int]:
        """Drop candidates that cannot reach TOKEN_MIN_SIMILARITY, in one C call per form.

        ``key_similarity`` is at most the best normalised Levenshtein similarity over all
        (key or alternate, skeleton) pairs, so keeping candidates where that bound reaches
        the minimum loses nothing."""
        if len(cand) < 16:
            return cand
        vk, va = self._v_key, self._v_alt
        flat: list[str] = []
        owner: list[int] = []
        for n, vid in enumerate(cand):
            flat.append(vk[vid])
            owner.append(n)
            if va[vid]:
                for alt in va[vid].split("|"):
                    flat.append(alt)
                    owner.append(n)
        q_keys = [t.key, *t.alt.split("|")] if t.alt else [t.key]
        q_skel = [skeleton(k) for k in q_keys]
        f_skel = [skeleton(k) for k in flat]
        sim = np.maximum(
            cdist(q_keys, flat, scorer=Levenshtein.normalized_similarity, dtype=np.float32),
            cdist(q_skel, f_skel, scorer=Levenshtein.normalized_similarity, dtype=np.float32),
        ).max(axis=0)
        ok = np.zeros(len(cand), dtype=bool)
        own = np.array(owner)
        ok[own[sim >= TOKEN_MIN_SIMILARITY - 1e-6]] = True
        return [vid for vid, keep in zip(cand, ok.tolist(), strict=True) if keep]

    def _vocab_similarity(
        self, t: NameToken, cand: list[int], *, prefilter: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """``key_similarity`` of ``t`` against the vocabulary ids ``cand`` (returned
        reordered, with float64 similarities): non-Arabic against non-Arabic in one
        vectorised pass over the precomputed keys, the rest through
        ``batch_key_similarity``; with ``prefilter``, those that cannot reach
        TOKEN_MIN_SIMILARITY are dropped first."""
        vk, va, varab = self._v_key, self._v_alt, self._v_arabic
        if t.arabic:
            fast, slow = [], cand
        else:
            fast = [v for v in cand if not varab[v]]
            slow = [v for v in cand if varab[v]]
        vids: list[np.ndarray] = []
        sims: list[np.ndarray] = []
        if fast:
            f = np.array(fast, dtype=np.int64)
            starts = self._vf_off[f]
            lens = self._vf_off[f + 1] - starts
            seg = np.zeros(len(f), dtype=np.int64)
            np.cumsum(lens[:-1], out=seg[1:])
            pos = np.arange(int(lens.sum()), dtype=np.int64) - np.repeat(seg - starts, lens)
            group = np.repeat(np.arange(len(f), dtype=np.int64), lens)
            q = [t.key, *t.alt.split("|")] if t.alt else [t.key]
            qs = [skeleton(k) for k in q]
            vf = self._vf
            vids.append(f)
            sims.append(
                kernels.flat_similarity(
                    kernels.codes(np.array(q, dtype=str)),
                    np.array([len(k) for k in q], dtype=np.int64),
                    kernels.codes(np.array(qs, dtype=str)),
                    np.array([len(k) for k in qs], dtype=np.int64),
                    kernels.codes(np.array([_cv(k) for k in q], dtype=str)),
                    self._vf_codes[0],
                    vf.length,
                    self._vf_codes[1],
                    vf.skel_length,
                    self._vf_codes[2],
                    pos,
                    group,
                    len(f),
                    VOWEL_ONLY,
                    VOWEL_ONLY_SHORT,
                    VOWEL_MOVED,
                )
            )
        if 0 < len(slow) <= _FEW_PAIRS:
            # a few Arabic-script ids (a Latin or Cyrillic part's neighbours): per pair,
            # compiled and cached, is cheaper than the prefilter and the batched pass
            vids.append(np.array(slow, dtype=np.int64))
            sims.append(
                np.array(
                    [
                        key_similarity(t.key, t.alt, t.arabic, vk[v], va[v], varab[v] == 1)
                        for v in slow
                    ],
                    dtype=np.float64,
                )
            )
        elif slow:
            cl = self._prefilter(t, slow) if prefilter else slow
            vids.append(np.array(cl, dtype=np.int64))
            sims.append(
                batch_key_similarity(
                    t.key,
                    t.alt,
                    t.arabic,
                    [vk[v] for v in cl],
                    [va[v] for v in cl],
                    [bool(varab[v]) for v in cl],
                )
            )
        all_v = np.concatenate(vids) if vids else np.zeros(0, np.int64)
        all_s = np.concatenate(sims) if sims else np.zeros(0, np.float64)
        return all_v, all_s

    def _similar_vocab(self, t: NameToken) -> tuple[np.ndarray, np.ndarray]:
        ck = (t.key, t.alt, t.arabic)
        hit = self._tok_cache.get(ck)
        if hit is not None:
            return hit
        cand: set[int] = set()
        exact = self._vocab.get(ck)
        if exact is not None:
            cand.add(exact)
        keys = np.array([_hash(b) for b in _block_keys(t.key, t.alt)], dtype=np.int64)
        lo = np.searchsorted(self._blk_hash, keys, side="left")
        hi = np.searchsorted(self._blk_hash, keys, side="right")
        for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
            if b > a:
                cand.update(self._blk_vid[a:b].tolist())
        all_v, all_s = self._vocab_similarity(t, list(cand), prefilter=True)
        keep = all_s >= TOKEN_MIN_SIMILARITY
        res = (all_v[keep], all_s[keep].astype(np.float32))
        if len(self._tok_cache) > 100_000:
            self._tok_cache.clear()
        self._tok_cache[ck] = res
        return res

    def search(
        self,
        query: Query,
        limit: int = 10,
        min_score: float = 0.0,
        *,
        exclude: Collection[str] | None = None,
    ) -> list[Match]:
        """The ``limit`` best entries for ``query`` with score >= ``min_score``, best first.

        ``exclude``: entry ids left out, exactly as if they had never been added (applied to
        the candidates, before any budget: see ``search_layers``)."""
        return search_layers(((self, exclude),), query, limit, min_score)

    def _exclusion(self, exclude: Collection[str]) -> _Exclusion | None:
        """What leaving out the entry ids ``exclude`` takes away (made once per set and
        cached: pass the same frozenset each time); None when none of them is here."""
        key = exclude if isinstance(exclude, frozenset) else frozenset(exclude)
        ex = self._exclusions.get(key)
        if ex is None:
            ex = self._make_exclusion(key)
            if len(self._exclusions) >= 8:
                self._exclusions.clear()
            self._exclusions[key] = ex
        return ex if ex.entries else None

    def _make_exclusion(self, exclude: frozenset[str]) -> _Exclusion:
        ids = list(exclude)
        hashes = np.array([_hash(e) for e in ids], dtype=np.int64)
        lo = np.searchsorted(self._eid_sorted, hashes, side="left").tolist()
        hi = np.searchsorted(self._eid_sorted, hashes, side="right").tolist()
        out: list[int] = []
        for entry_id, a, b in zip(ids, lo, hi, strict=True):
            for p in range(a, b):
                eidx = int(self._eid_order[p])
                if self._entry_id(eidx) == entry_id:
                    out.append(eidx)
        v = len(self._v_key)
        if not out:
            return _Exclusion(0, np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int64))
        entry_out = np.zeros(len(self), dtype=bool)
        entry_out[out] = True
        name_out = entry_out[self._a_entry]
        live = np.diff(self._post_off)
        dead = np.flatnonzero(name_out)
        if len(dead):
            # each vocabulary id's postings among the names left out (once per name)
            starts = self._a_off[dead]
            lens = self._a_len[dead].astype(np.int64)
            seg = np.zeros(len(dead), dtype=np.int64)
            np.cumsum(lens[:-1], out=seg[1:])
            pos = np.arange(int(lens.sum()), dtype=np.int64) - np.repeat(seg - starts, lens)
            owner = np.repeat(np.arange(len(dead), dtype=np.int64), lens)
            pairs = np.unique(owner * max(v, 1) + self._a_tok[pos].astype(np.int64))
            live -= np.bincount(pairs % max(v, 1), minlength=v)
        return _Exclusion(len(out), name_out, live)

    def _candidates(
        self,
        qt: list[NameToken],
        gen: list[tuple[np.ndarray, np.ndarray]],
        df: list[int],
        sims: list[tuple[np.ndarray, np.ndarray]],
    ) -> tuple[np.ndarray, np.ndarray]:
        """``_candidates`` of this index alone."""
        return _candidates([_Layer(self, None, 0, 0)], self, qt, [gen], df, [sims])

    def _part_best(self, cand: np.ndarray, sims: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """Per candidate name and query part, the best similarity of the name's parts, read
        through the forward index: one look-up table of every neighbour of every query part
        (a few hundred vocabulary ids) instead of a search per part."""
        nq = len(sims)
        best = np.zeros((len(cand), nq), dtype=np.float32)
        if len(cand) == 0:
            return best
        known = np.unique(np.concatenate([v for v, _ in sims]))
        if len(known) == 0:
            return best
        table = np.zeros((len(known) + 1, nq), dtype=np.float32)  # last row: not a neighbour
        for i, (v, s) in enumerate(sims):
            table[np.searchsorted(known, v), i] = s
        starts = self._a_off[cand]
        lens = self._a_len[cand].astype(np.int64)
        seg = np.zeros(len(cand), dtype=np.int64)
        np.cumsum(lens[:-1], out=seg[1:])
        pos = np.arange(int(lens.sum()), dtype=np.int64) - np.repeat(seg - starts, lens)
        toks = self._a_tok[pos].astype(np.int64)
        row = np.minimum(np.searchsorted(known, toks), len(known) - 1)
        row[known[row] != toks] = len(known)
        return np.asarray(np.maximum.reduceat(table[row], seg, axis=0), dtype=np.float32)

    def _approx_scores(
        self, cand: np.ndarray, best: np.ndarray, qt: list[NameToken], query: Query
    ) -> np.ndarray:
        """``scoring.combine`` approximated per candidate (greedy alignment, no middle-part
        factor) plus birth date and nationality adjustments, in one compiled pass."""
        q_opt = np.array([t.optional for t in qt])
        core = np.flatnonzero(~q_opt) if (~q_opt).any() else np.arange(len(qt))
        qd = parse_date(query.birth_date) if query.birth_date else None
        q_year, q_code, q_full = -1, -1, False
        if qd is not None:
            q_year, q_code = qd[0], qd[0] * 10000 + qd[1] * 100 + qd[2]
            q_full = qd[1] > 0 and qd[2] > 0
        qn = normalise_country(query.nationality)
        q_nat = self._country_ids.get(qn, -1) if qn else 0
        return kernels.approx_scores(
            self._n_rec,
            cand,
            best,
            core.astype(np.int64),
            EXTRA_PART_PENALTY,
            EXTRA_PART_PENALTY_MAX,
            SINGLE_PART_PENALTY,
            q_year,
            q_code,
            q_full,
            DOB_EQUAL,
            DOB_YEAR_EQUAL,
            DOB_NEAR,
            DOB_DIFFERS,
            q_nat,
            NAT_EQUAL,
            NAT_DIFFERS,
        )

    # ------------------------------------------------------------------------- details
    def _name_text(self, nid: int) -> str:
        a, b = self._name_blob_off[nid], self._name_blob_off[nid + 1]
        return bytes(self._name_blob[a:b]).decode()

    def _entry_id(self, eidx: int) -> str:
        a, b = self._eid_off[eidx], self._eid_off[eidx + 1]
        return bytes(self._eid_blob[a:b]).decode()

    def _entry_dates(self, eidx: int) -> list[str]:
        out = []
        for code in self._dates[self._dates_off[eidx] : self._dates_off[eidx + 1]]:
            y, md = divmod(code, 10000)
            m, d = divmod(md, 100)
            out.append(f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{d:02d}" if d else ""))
        return out

    def _entry_nats(self, eidx: int) -> list[str]:
        return [
            self._countries[c - 1]
            for c in self._nats[self._nats_off[eidx] : self._nats_off[eidx + 1]]
        ]

    def _part_similarities(
        self, qt: list[NameToken], names: list[int]
    ) -> tuple[dict[int, int], list[list[float]]]:
        """``key_similarity`` of every query part against every part of ``names``.

        One call per (query part, vocabulary id) pair: for the few dozen ids of the names
        re-scored, compiled, rather than by the vectorised pass used for the vocabulary
        look-up (which pays off at hundreds of ids), and a pair seen before is a cache hit.

        Returns the column of each vocabulary id and one row of similarities per query part.
        """
        offs = self._a_off
        vids = sorted({v for nid in names for v in self._a_tok[offs[nid] : offs[nid + 1]].tolist()})
        col = {v: c for c, v in enumerate(vids)}
        vk, va, varab = self._v_key, self._v_alt, self._v_arabic
        parts = [(vk[v], va[v], varab[v] == 1) for v in vids]
        rows = [
            [key_similarity(t.key, t.alt, t.arabic, k, a, ar) for k, a, ar in parts] for t in qt
        ]
        return col, rows

    def _exact_name_match(
        self,
        q_opt: list[bool],
        q_mid: list[int],
        q_roles: list[str],
        nid: int,
        col: dict[int, int],
        rows: list[list[float]],
    ) -> tuple[float, list[tuple[int, int, float]], list[tuple[str, float]]]:
        """Exactly ``match_names(query, parse_name(name))``'s score, pairs and penalties,
        from the stored ids and the query's similarity rows."""
        a, b = int(self._a_off[nid]), int(self._a_off[nid + 1])
        cols = [col[v] for v in self._a_tok[a:b].tolist()]
        roles = [_ROLE_NAMES[r] for r in self._a_role[a:b].tolist()]
        e_opt = [r == "patronymic" for r in roles]
        sims = [[row[c] for c in cols] for row in rows]
        e_mid = middle_parts(e_opt, roles, _FORM_NAMES[self._name_form[nid]])
        return score_alignment(sims, q_opt, e_opt, q_mid, e_mid, q_roles, roles)


class _Exclusion:
    """Entries left out of one index's search: how many, per name whether it is out, and
    per vocabulary id its postings among the names still in."""

    def __init__(self, entries: int, name_out: np.ndarray, live: np.ndarray) -> None:
        self.entries = entries
        self.name_out = name_out
        self.live = live


class _Layer:
    """One index of a layered search, with its exclusion and where its names and entries
    start in the numbering of the single index the layers stand for."""

    def __init__(
        self, index: PersonIndex, ex: _Exclusion | None, name_base: int, entry_base: int
    ) -> None:
        self.index = index
        self.ex = ex
        self.name_base = name_base
        self.entry_base = entry_base
        self.names = len(index._a_entry)

    def neighbours(self, qt: list[NameToken]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each query part's similar vocabulary ids still held by a name not left out."""
        sims = [self.index._similar_vocab(t) for t in qt]
        ex = self.ex
        if ex is None:
            return sims
        out: list[tuple[np.ndarray, np.ndarray]] = []
        for v, s in sims:
            keep = ex.live[v] > 0
            out.append((v[keep], s[keep]))
        return out

    def df(self, v: np.ndarray) -> int:
        """Postings of vocabulary ids ``v`` (names left out not counted)."""
        if not len(v):
            return 0
        if self.ex is not None:
            return int(self.ex.live[v].sum())
        off = self.index._post_off
        return int((off[v + 1] - off[v]).sum())


def search_layers(
    layers: Sequence[tuple[PersonIndex, Collection[str] | None]],
    query: Query,
    limit: int = 10,
    min_score: float = 0.0,
) -> list[Match]:
    """Search several indexes, each less the entry ids excluded from it, as one: exactly the
    results of a single index built from the entries of the first, then those of the second
    (and so on), without the excluded ones. Every budget (candidates, re-ranking) and every
    tie (lowest name, then lowest entry first) is that single index's, and the budgets are
    the first index's. An exclusion is applied to the candidates, so a left-out entry takes
    no place in any budget."""
    budget = layers[0][0]
    ls: list[_Layer] = []
    names = entries = 0
    for index, exclude in layers:
        if not index._finalised:
            index._finalise()
        ex = index._exclusion(exclude) if exclude else None
        if len(index) > (ex.entries if ex is not None else 0):
            ls.append(_Layer(index, ex, names, entries))
        names += len(index._a_entry)
        entries += len(index)
    if not ls:
        return []
    q = parse_name(query.name_text())
    qt = list(q.tokens)[:_MAX_QUERY_PARTS]
    if not qt:
        return []
    sims = [layer.neighbours(qt) for layer in ls]
    # strong neighbours generate candidates; weak ones only if nothing strong exists
    lim = GENERATE_MIN_SIMILARITY
    gen = [[(v[s >= lim], s[s >= lim]) for v, s in sl] for sl in sims]
    if not any(len(v) for g in gen for v, _ in g):
        gen = sims
    df = [sum(ly.df(g[i][0]) for ly, g in zip(ls, gen, strict=True)) for i in range(len(qt))]
    cand, best = _candidates(ls, budget, qt, gen, df, sims)
    if len(cand) == 0:
        return []
    bounds = _bounds(ls, cand)
    if len(ls) == 1:
        scores = ls[0].index._approx_scores(cand - ls[0].name_base, best, qt, query)
    else:
        scores = np.concatenate(
            [
                ly.index._approx_scores(cand[a:b] - ly.name_base, best[a:b], qt, query)
                for ly, (a, b) in zip(ls, bounds, strict=True)
            ]
        )
    r = min(len(cand), max(budget.rerank, 2 * limit))
    top = np.argpartition(-scores, r - 1)[:r] if r < len(cand) else np.arange(len(cand))
    top = top[np.argsort(-scores[top], kind="stable")]
    return _rerank(ls, q, cand[top], scores[top], query, limit, min_score)


def _bounds(ls: list[_Layer], cand: np.ndarray) -> list[tuple[int, int]]:
    """Each layer's slice of the (ascending) joint name ids ``cand``."""
    if len(ls) == 1:
        return [(0, len(cand))]
    lo = np.searchsorted(cand, [ly.name_base for ly in ls]).tolist()
    hi = np.searchsorted(cand, [ly.name_base + ly.names for ly in ls]).tolist()
    return list(zip(lo, hi, strict=True))


def _candidates(
    ls: list[_Layer],
    budget: PersonIndex,
    qt: list[NameToken],
    gen: list[list[tuple[np.ndarray, np.ndarray]]],
    df: list[int],
    sims: list[list[tuple[np.ndarray, np.ndarray]]],
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate names (joint ids, ascending) and, per candidate and query part, the best
    similarity seen (to 7 bits) of the strong neighbours in ``gen``; parts too common to
    generate are scored on the candidates from all their neighbours (``sims``).

    Names sharing at least two query parts are candidates; when there are fewer than
    ``min_candidates`` of those, names sharing the most selective part are added.
    Parts whose postings exceed ``candidate_budget`` (very common given names) are not
    used to generate candidates but still scored for the candidates."""
    nq = len(qt)
    usable = [i for i in range(nq) if 0 < df[i] <= budget.candidate_budget]
    if not usable:
        rarest = min((i for i in range(nq) if df[i] > 0), key=lambda i: df[i], default=-1)
        if rarest < 0:
            return np.zeros(0, np.int64), np.zeros((0, nq), np.float32)
        usable = [rarest]
    # One sortable int per posting: name, part, then the similarity that brought it,
    # descending, in 7 bits (the approximate ranking only orders names for the exact
    # re-scoring). 32 bits while the names allow it (up to ~2M names): half the bytes
    # to sort and scan.
    total_names = ls[-1].name_base + ls[-1].names
    narrow = (total_names * _MAX_QUERY_PARTS) << _SIM_BITS < 2**31
    chunks: list[np.ndarray] = []
    for ly, g in zip(ls, gen, strict=True):
        vids = np.concatenate([g[i][0] for i in usable]).astype(np.int64)
        parts = np.concatenate([np.full(len(g[i][0]), i, dtype=np.int64) for i in usable])
        qsim = np.concatenate(
            [_SIM_MAX - np.rint(g[i][1] * _SIM_MAX).astype(np.int64) for i in usable]
        )
        keys = kernels.posting_keys(
            ly.index._post,
            ly.index._post_off,
            vids,
            parts,
            qsim,
            _MAX_QUERY_PARTS,
            _SIM_BITS,
            np.int32 if narrow else np.int64,
        )
        if ly.ex is not None:  # the postings of names left out, as if never there
            keys = keys[~ly.ex.name_out[(keys >> _SIM_BITS) // _MAX_QUERY_PARTS]]
        if ly.name_base:
            keys += ly.name_base * _MAX_QUERY_PARTS << _SIM_BITS
        chunks.append(keys)
    keys = chunks[0] if len(chunks) == 1 else np.concatenate(chunks)
    # sorted, the first key of a (name, part) holds its best similarity; read in runs
    uniq, counts, total, f_run, f_part, f_sim = kernels.name_runs(
        kernels.radix_sort(keys), _SIM_BITS, _MAX_QUERY_PARTS
    )
    need = min(2, len(usable))
    # names sharing two query parts; too few: also names sharing the most selective
    # part (other parts garbled); too many: those with the largest summed similarity
    rare = min(usable, key=lambda i: df[i]) if need > 1 else -1
    cand, row_of = kernels.select_names(
        uniq, counts, total, f_run, f_part, need, rare, budget.min_candidates, budget.max_scored
    )
    best = np.zeros((len(cand), nq), dtype=np.float32)
    kernels.fill_best(best, row_of, f_run, f_part, f_sim, _SIM_MAX)
    # parts not used for generation: scored on the candidates via the forward index
    rest = [i for i in range(nq) if i not in usable and df[i] > 0]
    if rest and len(cand):
        for ly, sl, (a, b) in zip(ls, sims, _bounds(ls, cand), strict=True):
            if b > a:
                best[a:b, rest] = ly.index._part_best(
                    cand[a:b] - ly.name_base, [sl[i] for i in rest]
                )
    return cand, best


def _rerank(
    ls: list[_Layer],
    q: ParsedName,
    names: np.ndarray,
    approx: np.ndarray,
    query: Query,
    limit: int,
    min_score: float,
) -> list[Match]:
    qt = list(q.tokens)
    q_opt = [t.optional for t in qt]
    q_roles = [t.role for t in qt]
    q_mid = middle_parts(q_opt, q_roles, q.form)
    # each name's layer and its id there
    where: list[tuple[int, int]] = []
    local: list[list[int]] = [[] for _ in ls]
    for nid in names.tolist():
        k = 0
        while nid >= ls[k].name_base + ls[k].names:
            k += 1
        where.append((k, nid - ls[k].name_base))
        local[k].append(nid - ls[k].name_base)
    tables = [ly.index._part_similarities(qt, ids) for ly, ids in zip(ls, local, strict=True)]
    best: dict[int, tuple[float, int]] = {}
    aligned: dict[int, tuple[float, list[tuple[int, int, float]], list[tuple[str, float]]]] = {}
    adj: dict[int, tuple[tuple[float, str], tuple[float, str]]] = {}
    kth = -1.0
    for n, upper in enumerate(approx.tolist()):
        if len(best) >= limit and upper + RERANK_MARGIN < kth:
            break  # the approximate score is (nearly) an upper bound of the exact one
        k, nid = where[n]
        index = ls[k].index
        e = int(index._a_entry[nid])
        eidx = ls[k].entry_base + e
        if eidx not in adj:
            adj[eidx] = (
                date_adjustment(query.birth_date, index._entry_dates(e)),
                nationality_adjustment(query.nationality, index._entry_nats(e)),
            )
        col, rows = tables[k]
        aligned[n] = exact = index._exact_name_match(q_opt, q_mid, q_roles, nid, col, rows)
        total = max(0.0, min(1.0, exact[0] + adj[eidx][0][0] + adj[eidx][1][0]))
        cur = best.get(eidx)
        if cur is None or total > cur[0]:
            best[eidx] = (total, n)
            if len(best) >= limit:
                kth = sorted((v[0] for v in best.values()), reverse=True)[limit - 1]
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
    matches: list[Match] = []
    for _, (total, n) in itertools.islice(ranked, limit):
        if total < min_score:
            break
        k, nid = where[n]
        index = ls[k].index
        text = index._name_text(nid)
        entry = parse_name(text)
        score, pairs, penalties = aligned[n]
        eidx = int(index._a_entry[nid])
        if len(entry.tokens) == len(index._a_tok[index._a_off[nid] : index._a_off[nid + 1]]):
            m = name_match(q, entry, score, pairs, penalties)
        else:  # the stored parts and a fresh parse disagree: explain from the parse
            m = match_names(q, entry)
        ly_adj = adj[ls[k].entry_base + eidx]
        expl = (*explain_name_match(m), ly_adj[0][1], ly_adj[1][1], f"total {total:.2f}")
        matches.append(Match(index._entry_id(eidx), round(total, 4), text, expl))
    return matches
