"""The person index's hot loops compiled by numba.

``PersonIndex._approx_scores`` as numpy calls over the (up to 3,000) candidates would
allocate and walk some forty temporaries (0.5-0.8 ms of the slowest queries); here it is one
pass per candidate with none (benchmarks/RESULTS.md, "Screening"). The vocabulary look-up's
Levenshtein pass and the candidate step (the postings' sort, the names' runs and the choice of
candidates) are here too. Candidate generation without the sort (a bit per query part per
name in a scratch array, or each posting checked through the name's own parts) was slower at
the tail than sorting: the random reads of per-name memory cost more than the sort, which is
a radix sort.

Not compiled with mypyc (``setup.py``): numba compiles this itself on first use and keeps
the machine code in ``__pycache__`` (``cache=True``), so a machine pays the compilation
(about a second) once, not every process. ``nogil``: a screening in one thread does not hold
up the server's other threads.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _approx_scores(
    rec: np.ndarray,
    cand: np.ndarray,
    best: np.ndarray,
    core: np.ndarray,
    extra_penalty: float,
    extra_penalty_max: float,
    single_penalty: float,
    q_year: int,
    q_code: int,
    q_full: bool,
    dob_equal: float,
    dob_year_equal: float,
    dob_near: float,
    dob_differs: float,
    q_nat: int,
    nat_equal: float,
    nat_differs: float,
) -> np.ndarray:
    nq_core = len(core)
    out = np.empty(len(cand), dtype=np.float64)
    vals = np.empty(nq_core, dtype=np.float32)
    for c in range(len(cand)):
        n = cand[c]
        length = rec[n, 0] & 255
        e_core = rec[n, 0] >> 8
        if e_core <= 0:
            e_core = length
        k = max(min(nq_core, e_core), 1)
        for i in range(nq_core):  # insertion sort, descending (at most 8 parts)
            x = best[c, core[i]]
            j = i
            while j > 0 and vals[j - 1] < x:
                vals[j] = vals[j - 1]
                j -= 1
            vals[j] = x
        s = np.float32(0.0)
        for i in range(k):
            s += vals[i]
        score = 0.5 * s / k + 0.5 * vals[k - 1]
        score -= min(extra_penalty * abs(e_core - nq_core), extra_penalty_max)
        if k == 1 and max(e_core, nq_core) > 1:
            score -= single_penalty
        if q_year >= 0:
            adj = -np.inf
            for d in range(1, 3):
                col = rec[n, d]
                if col < 0:
                    continue
                y = col // 10000
                md = col % 10000
                if col == q_code and q_full:
                    a = dob_equal
                elif y == q_year:
                    a = dob_year_equal if (md == 0 or not q_full) else 0.0
                elif abs(y - q_year) == 1:
                    a = dob_near
                else:
                    a = dob_differs
                adj = max(adj, a)
            if adj > -np.inf:
                score += adj
        nat = rec[n, 3]
        if q_nat != 0 and nat != 0:
            score += nat_equal if nat == q_nat else nat_differs
        out[c] = score
    return out


def approx_scores(*args: Any) -> np.ndarray:
    """See ``PersonIndex._approx_scores``."""
    out: np.ndarray = _approx_scores(*args)
    return out


@njit(cache=True, nogil=True)
def _levenshtein(a: np.ndarray, la: int, b: np.ndarray, lb: int, row: np.ndarray) -> int:
    """Edit distance of ``a[:la]`` and ``b[:lb]`` (unit costs); ``row`` holds lb + 1 ints."""
    for j in range(lb + 1):
        row[j] = j
    for i in range(1, la + 1):
        diag = row[0]
        row[0] = i
        ai = a[i - 1]
        for j in range(1, lb + 1):
            up = row[j]
            cost = 0 if ai == b[j - 1] else 1
            v = diag + cost
            if up + 1 < v:
                v = up + 1
            if row[j - 1] + 1 < v:
                v = row[j - 1] + 1
            row[j] = v
            diag = up
    return int(row[lb])


@njit(cache=True, nogil=True)
def _same(a: np.ndarray, b: np.ndarray, n: int) -> bool:
    for i in range(n):  # noqa: SIM110 (numba compiles a loop, not all() over a generator)
        if a[i] != b[i]:
            return False
    return True


@njit(cache=True, nogil=True)
def _flat_similarity(
    q_key: np.ndarray,
    q_len: np.ndarray,
    q_skel: np.ndarray,
    q_skel_len: np.ndarray,
    q_cv: np.ndarray,
    f_key: np.ndarray,
    f_len: np.ndarray,
    f_skel: np.ndarray,
    f_skel_len: np.ndarray,
    f_cv: np.ndarray,
    pos: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    vowel_only: float,
    vowel_only_short: float,
    vowel_moved: float,
) -> np.ndarray:
    out = np.zeros(n_groups, dtype=np.float64)
    row = np.empty(max(f_key.shape[1], q_key.shape[1]) + 1, dtype=np.int64)
    for x in range(len(pos)):
        f = pos[x]
        lf = f_len[f]
        best = 0.0
        for qi in range(q_key.shape[0]):
            lq = q_len[qi]
            if lq == lf and _same(q_key[qi], f_key[f], lq):
                best = 1.0
                break
            m = max(lq, lf)
            sim = 1.0 if m == 0 else 1.0 - _levenshtein(q_key[qi], lq, f_key[f], lf, row) / m
            if (
                lq == lf
                and q_skel_len[qi] == f_skel_len[f]
                and _same(q_skel[qi], f_skel[f], q_skel_len[qi])
            ):
                if _same(q_cv[qi], f_cv[f], lq):
                    boost = (
                        vowel_only
                        if q_skel_len[qi] >= 2
                        else (vowel_only_short if lq >= 3 else 0.0)
                    )
                else:
                    boost = vowel_moved if q_skel_len[qi] >= 3 else 0.0
                if boost > sim:
                    sim = boost
            if sim > best:
                best = sim
        g = group[x]
        if best > out[g]:
            out[g] = best
    return out


def codes(keys: np.ndarray) -> np.ndarray:
    """A numpy str array as a matrix of code points, one row per key, zero-padded."""
    if keys.dtype.itemsize == 0 or len(keys) == 0:
        return np.zeros((len(keys), 1), dtype=np.uint32)
    return np.ascontiguousarray(keys).view(np.uint32).reshape(len(keys), -1)


def flat_similarity(
    q_key: np.ndarray,
    q_len: np.ndarray,
    q_skel: np.ndarray,
    q_skel_len: np.ndarray,
    q_cv: np.ndarray,
    f_key: np.ndarray,
    f_len: np.ndarray,
    f_skel: np.ndarray,
    f_skel_len: np.ndarray,
    f_cv: np.ndarray,
    pos: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    vowel_only: float,
    vowel_only_short: float,
    vowel_moved: float,
) -> np.ndarray:
    """``scoring.flat_key_similarity`` as one compiled loop: query keys (key and alternates,
    with skeletons and consonant/vowel patterns, as code-point matrices from ``codes``)
    against the flat vocabulary keys at ``pos``; per ``group`` (0 .. n_groups - 1, the
    vocabulary id each flat key belongs to) the best similarity. The Levenshtein similarity
    is rapidfuzz's ``normalized_similarity``, 1 - distance / longer length, computed the
    same way (equal values, tested)."""
    out: np.ndarray = _flat_similarity(
        q_key,
        q_len,
        q_skel,
        q_skel_len,
        q_cv,
        f_key,
        f_len,
        f_skel,
        f_skel_len,
        f_cv,
        pos,
        group,
        n_groups,
        vowel_only,
        vowel_only_short,
        vowel_moved,
    )
    return out


# ----------------------------------------------------------------- candidate generation
# The postings of a query's parts as one sortable int each (name, part, 7-bit similarity),
# sorted, then read back in runs: numpy spent most of the slowest queries' candidate step
# in its comparison sort (about 23 ns a key for 80-110k keys) and in a dozen temporaries
# after it. Here: the keys written in one loop, an LSD radix sort (11-bit digits: three
# passes for 31-bit keys, the counts in L1) and one pass over the sorted keys. Same
# candidates and similarities as the numpy steps (tested against them).
_RADIX_BITS = 11


@njit(cache=True, nogil=True)
def _posting_keys(
    post: np.ndarray,
    post_off: np.ndarray,
    vids: np.ndarray,
    parts: np.ndarray,
    qsim: np.ndarray,
    max_parts: int,
    sim_bits: int,
    out: np.ndarray,
) -> None:
    k = 0
    for j in range(len(vids)):
        v = vids[j]
        tail = parts[j] << sim_bits | qsim[j]
        for p in range(post_off[v], post_off[v + 1]):
            out[k] = (np.int64(post[p]) * max_parts << sim_bits) | tail
            k += 1


def posting_keys(
    post: np.ndarray,
    post_off: np.ndarray,
    vids: np.ndarray,
    parts: np.ndarray,
    qsim: np.ndarray,
    max_parts: int,
    sim_bits: int,
    dtype: type,
) -> np.ndarray:
    """For every name in the postings of vocabulary id ``vids[j]``: the key ``(name *
    max_parts + parts[j]) << sim_bits | qsim[j]`` (``qsim``: the similarity, inverted so
    that the best sorts first), as ``dtype`` (int32 while the keys fit, else int64)."""
    total = int((post_off[vids + 1] - post_off[vids]).sum()) if len(vids) else 0
    out: np.ndarray = np.empty(total, dtype=dtype)
    if total:
        _posting_keys(post, post_off, vids, parts, qsim, max_parts, sim_bits, out)
    return out


@njit(cache=True, nogil=True)
def _radix_sort(keys: np.ndarray, bits: int) -> np.ndarray:
    n = len(keys)
    a = keys.copy()
    if n < 2:
        return a
    top = a.max()
    b = np.empty_like(a)
    mask = (1 << bits) - 1
    count = np.empty(mask + 1, dtype=np.int64)
    shift = 0
    while (top >> shift) > 0:
        count[:] = 0
        for i in range(n):
            count[(a[i] >> shift) & mask] += 1
        total = 0
        for d in range(mask + 1):
            c = count[d]
            count[d] = total
            total += c
        for i in range(n):
            d = (a[i] >> shift) & mask
            b[count[d]] = a[i]
            count[d] += 1
        a, b = b, a
        shift += bits
    return a


def radix_sort(keys: np.ndarray) -> np.ndarray:
    """Non-negative integers in ascending order (a sorted copy; equal to ``np.sort``)."""
    out: np.ndarray = _radix_sort(keys, _RADIX_BITS)
    return out


@njit(cache=True, nogil=True)
def _name_runs(
    keys: np.ndarray, sim_bits: int, max_parts: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = len(keys)
    sim_max = (1 << sim_bits) - 1
    uniq = np.empty(n, dtype=np.int64)
    counts = np.empty(n, dtype=np.int64)
    totals = np.empty(n, dtype=np.int32)
    f_run = np.empty(n, dtype=np.int64)
    f_part = np.empty(n, dtype=np.int64)
    f_sim = np.empty(n, dtype=np.int64)
    r = -1
    f = 0
    last_np = -1
    last_name = -1
    for i in range(n):
        key = int(keys[i])
        name_part = key >> sim_bits
        if name_part == last_np:
            continue  # a later posting of the same (name, part): a weaker similarity
        last_np = name_part
        name = name_part // max_parts
        if name != last_name:
            last_name = name
            r += 1
            uniq[r] = name
            counts[r] = 0
            totals[r] = 0
        sim = sim_max - (key & sim_max)
        counts[r] += 1
        totals[r] += sim
        f_run[f] = r
        f_part[f] = name_part % max_parts
        f_sim[f] = sim
        f += 1
    return uniq[: r + 1], counts[: r + 1], totals[: r + 1], f_run[:f], f_part[:f], f_sim[:f]


def name_runs(
    keys: np.ndarray, sim_bits: int, max_parts: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sorted posting keys read back: per distinct name (``uniq``, ascending) how many query
    parts it shares (``counts``) and the sum of their best similarities (``totals``, int32);
    per (name, part) its name's run, the part and the best similarity (7-bit integers)."""
    out: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] = _name_runs(
        keys, sim_bits, max_parts
    )
    return out


@njit(cache=True, nogil=True)
def _fill_best(
    best: np.ndarray,
    row_of: np.ndarray,
    f_run: np.ndarray,
    f_part: np.ndarray,
    f_sim: np.ndarray,
    sim_max: int,
) -> None:
    for f in range(len(f_run)):
        row = row_of[f_run[f]]
        if row >= 0:
            best[row, f_part[f]] = f_sim[f] / sim_max


def fill_best(
    best: np.ndarray,
    row_of: np.ndarray,
    f_run: np.ndarray,
    f_part: np.ndarray,
    f_sim: np.ndarray,
    sim_max: int,
) -> None:
    """``best[row, part]`` = similarity / sim_max for every (name, part) of ``name_runs``
    whose name kept a row (``row_of[run]`` >= 0)."""
    _fill_best(best, row_of, f_run, f_part, f_sim, sim_max)


@njit(cache=True, nogil=True)
def _select_names(
    uniq: np.ndarray,
    counts: np.ndarray,
    totals: np.ndarray,
    f_run: np.ndarray,
    f_part: np.ndarray,
    need: int,
    rare: int,
    min_candidates: int,
    max_scored: int,
) -> tuple[np.ndarray, np.ndarray]:
    n = len(uniq)
    keep = np.empty(n, dtype=np.bool_)
    kept = 0
    for i in range(n):
        keep[i] = counts[i] >= need
        kept += keep[i]
    if rare >= 0 and kept < min_candidates:
        for f in range(len(f_run)):
            if f_part[f] == rare and not keep[f_run[f]]:
                keep[f_run[f]] = True
                kept += 1
    if kept > max_scored:
        # the max_scored largest totals, by counting: totals are small integers
        top = 0
        for i in range(n):
            if keep[i] and totals[i] > top:
                top = totals[i]
        hist = np.zeros(top + 1, dtype=np.int64)
        for i in range(n):
            if keep[i]:
                hist[totals[i]] += 1
        above = 0  # kept names with a total above t
        t = top
        while above + hist[t] < max_scored:
            above += hist[t]
            t -= 1
        ties = max_scored - above  # names at total t kept, lowest name first
        for i in range(n):
            if keep[i] and totals[i] <= t:
                if totals[i] == t and ties > 0:
                    ties -= 1
                else:
                    keep[i] = False
        kept = max_scored
    cand = np.empty(kept, dtype=np.int64)
    row_of = np.full(n, -1, dtype=np.int64)
    r = 0
    for i in range(n):
        if keep[i]:
            cand[r] = uniq[i]
            row_of[i] = r
            r += 1
    return cand, row_of


def select_names(
    uniq: np.ndarray,
    counts: np.ndarray,
    totals: np.ndarray,
    f_run: np.ndarray,
    f_part: np.ndarray,
    need: int,
    rare: int,
    min_candidates: int,
    max_scored: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate names of ``name_runs``' output and each run's row among them (-1: not
    a candidate). A name is a candidate when it shares ``need`` query parts; when fewer than
    ``min_candidates`` do and ``rare`` >= 0, names sharing part ``rare`` too. Over
    ``max_scored`` candidates, the ``max_scored`` with the largest totals are kept, ties at
    the cut going to the lowest names (a counting selection: totals are small integers;
    numpy's argpartition left the choice among ties to its introselect)."""
    out: tuple[np.ndarray, np.ndarray] = _select_names(
        uniq, counts, totals, f_run, f_part, need, rare, min_candidates, max_scored
    )
    return out
