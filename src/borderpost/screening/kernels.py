"""The person index's approximate ranking as one loop compiled by numba.

``PersonIndex._approx_scores`` was some forty numpy calls over the (up to 3,000) candidates,
each allocating and walking a temporary: 0.5-0.8 ms of the slowest queries. Here it is one
pass per candidate with no temporaries (measured in benchmarks/RESULTS.md, "Screening",
session 4). Tried and dropped in the same pass: candidate generation as compiled loops
(a bit per query part per name in a scratch array, or each posting checked through the
name's own parts): both slower than numpy's sort of the postings at the tail, the random
reads of per-name memory costing more than the sort.

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
