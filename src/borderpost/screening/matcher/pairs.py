"""Evaluation of labelled name pairs: recall and hard-negative false positives per language.

Used by the benchmark and the tests; pure functions on (language, positive, score) rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["LangResult", "evaluate", "recall_at_fp"]


@dataclass(frozen=True)
class LangResult:
    lang: str
    positives: int
    negatives: int
    recall: float  # at the threshold
    false_positive_rate: float  # among hard negatives, at the threshold
    recall_at_1pct: float  # best recall with at most 1% hard-negative false positives
    threshold_at_1pct: float


def recall_at_fp(pos: list[float], neg: list[float], max_fp: float = 0.01) -> tuple[float, float]:
    """Best recall with at most ``max_fp`` of negatives at or above the threshold, and that
    threshold (a score s counts as a match when s >= threshold)."""
    if not pos:
        return 0.0, 1.0
    neg_sorted = sorted(neg, reverse=True)
    allowed = int(max_fp * len(neg_sorted))
    # threshold just above the (allowed+1)-th highest negative
    thr = (neg_sorted[allowed] + 1e-9) if allowed < len(neg_sorted) else 0.0
    return sum(1 for s in pos if s >= thr) / len(pos), thr


def evaluate(rows: Iterable[tuple[str, bool, float]], threshold: float) -> dict[str, LangResult]:
    """rows: (language, is_positive, score). Returns one result per language and 'all'."""
    by: dict[str, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for lang, positive, score in rows:
        for key in (lang, "all"):
            by[key][0 if positive else 1].append(score)
    out: dict[str, LangResult] = {}
    for lang, (pos, neg) in by.items():
        r1, t1 = recall_at_fp(pos, neg)
        out[lang] = LangResult(
            lang,
            len(pos),
            len(neg),
            sum(1 for s in pos if s >= threshold) / len(pos) if pos else 0.0,
            sum(1 for s in neg if s >= threshold) / len(neg) if neg else 0.0,
            r1,
            t1,
        )
    return out
