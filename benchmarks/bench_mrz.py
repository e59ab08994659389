"""MRZ checking: our parser against the ``mrz`` package (PyPI 0.6.2), side by side, one run.

    python benchmarks/bench_mrz.py [--docs 20000] [--seed 7]

Prints three tables:

1. speed: documents checked per second, one process, the same generated documents for both
   (a mix of TD3, TD1, TD2, MRV-A and MRV-B, every one valid), best of 3 runs;
2. the ICAO specimens: which checker accepts each;
3. damaged input: single character changes inside check-digit-covered fields, OCR
   look-alike swaps anywhere, and fuzz (garbage, wrong lengths, lowercase, stray spaces,
   unicode): how many each checker catches, and how many make it raise.

``mrz`` needs the caller to pick the checker class for the format; it is given the right one
for free. Without the package installed, only our side runs.
"""

from __future__ import annotations

import argparse
import platform
import random
import string
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

from borderpost.documents.mrz.checkdigit import MRZ_CHARS
from borderpost.documents.mrz.layouts import LAYOUTS, Layout
from borderpost.documents.mrz.ocr_repair import SWAP
from borderpost.documents.mrz.parser import (
    make_mrz_mrva,
    make_mrz_mrvb,
    make_mrz_td1,
    make_mrz_td2,
    make_mrz_td3,
    parse_mrz,
)
from borderpost.documents.mrz.specimens import SPECIMENS

ON = date(2026, 11, 23)
BUILDERS: dict[str, Callable[..., tuple[str, ...]]] = {
    "TD3": make_mrz_td3,
    "TD1": make_mrz_td1,
    "TD2": make_mrz_td2,
    "MRVA": make_mrz_mrva,
    "MRVB": make_mrz_mrvb,
}
MIX = ["TD3"] * 12 + ["TD1"] * 5 + ["TD2", "MRVA", "MRVB"]
# Germany is "D" in an MRZ (Doc 9303 Part 3), so DEU, which mrz rejects, is left out.
CODES = ["FRA", "D", "GBR", "ARM", "AZE", "GEO", "TUR", "UKR", "NLD", "XXA", "GBN", "UNO"]
SYLLABLES = ["AN", "NA", "MA", "RI", "KO", "VA", "LE", "SAR", "GIO", "TAM", "ER", "US", "HAN"]

Doc = tuple[str, str]  # (format, text)


def _name(rng: random.Random, parts: int) -> str:
    words = ["".join(rng.choices(SYLLABLES, k=rng.randint(2, 3))) for _ in range(parts)]
    return " ".join(words)


def generate(count: int, rng: random.Random) -> list[Doc]:
    """Valid documents of every format, current or expired, adults and minors."""
    docs = []
    for _ in range(count):
        fmt = rng.choice(MIX)
        birth = ON - timedelta(days=rng.randint(0, 90 * 365))
        expiry = ON + timedelta(days=rng.randint(-5 * 365, 10 * 365))
        size = rng.randint(6, 9)
        number = "".join(rng.choices(string.ascii_uppercase + string.digits, k=size))
        if fmt in ("TD1", "TD2") and rng.random() < 0.1:
            number += "".join(rng.choices(string.digits, k=2))  # a long number
        lines = BUILDERS[fmt](
            issuer=rng.choice(CODES),
            surname=_name(rng, 1),
            given_names=_name(rng, rng.randint(1, 2)),
            document_number=number,
            nationality=rng.choice(CODES),
            birth_date=birth,
            sex=rng.choice("MFX<"),
            expiry_date=max(expiry, birth),
        )
        docs.append((fmt, "\n".join(lines)))
    return docs


# --- the two checkers ----------------------------------------------------------------------


def ours(fmt: str, text: str) -> bool:
    """True when our parser finds no problem."""
    return parse_mrz(text, on=ON).valid


def _their_checkers() -> dict[str, Callable[[str], object]] | None:
    try:
        from mrz.checker.mrva import MRVACodeChecker
        from mrz.checker.mrvb import MRVBCodeChecker
        from mrz.checker.td1 import TD1CodeChecker
        from mrz.checker.td2 import TD2CodeChecker
        from mrz.checker.td3 import TD3CodeChecker
    except ImportError:
        return None
    return {
        "TD1": TD1CodeChecker,
        "TD2": TD2CodeChecker,
        "TD3": TD3CodeChecker,
        "MRVA": MRVACodeChecker,
        "MRVB": MRVBCodeChecker,
    }


THEIR_CHECKERS = _their_checkers()


def theirs(fmt: str, text: str) -> bool:
    """True when ``mrz``'s checker for the format finds every field good (may raise)."""
    assert THEIR_CHECKERS is not None
    return bool(THEIR_CHECKERS[fmt](text))


CHECKERS: dict[str, Callable[[str, str], bool]] = {"ours": ours}
if THEIR_CHECKERS is not None:
    CHECKERS["mrz 0.6.2"] = theirs


# --- 1. speed ------------------------------------------------------------------------------


def speed(docs: list[Doc]) -> None:
    print(f"\n1. Speed: {len(docs)} valid documents, one process, best of 3")
    print(f"   {'checker':<12} {'docs/s':>10} {'us/doc':>8}  accepted")
    for name, check in CHECKERS.items():
        best = float("inf")
        accepted = 0
        for _ in range(3):
            start = time.perf_counter()
            accepted = sum(1 for fmt, text in docs if check(fmt, text))
            best = min(best, time.perf_counter() - start)
        rate = len(docs) / best
        print(
            f"   {name:<12} {rate:>10,.0f} {best / len(docs) * 1e6:>8.1f}  {accepted}/{len(docs)}"
        )


# --- 2. specimens --------------------------------------------------------------------------


def specimens() -> None:
    print("\n2. ICAO Doc 9303 specimens: accepted?")
    print(f"   {'specimen':<17}" + "".join(f"{name:>12}" for name in CHECKERS))
    for spec, lines in SPECIMENS.items():
        fmt = spec.split("_")[0]
        cells = []
        for check in CHECKERS.values():
            try:
                cells.append("yes" if check(fmt, "\n".join(lines)) else "NO")
            except Exception as exc:
                cells.append(f"raises {type(exc).__name__}"[:11])
        print(f"   {spec:<17}" + "".join(f"{cell:>12}" for cell in cells))


# --- 3. damaged input ----------------------------------------------------------------------


def _covered(layout: Layout) -> list[tuple[int, int]]:
    """(line, column) of every character some check digit covers."""
    spans = [layout.number, layout.birth, layout.expiry, *layout.composite]
    cds = [layout.number_cd, layout.birth_cd, layout.expiry_cd]
    if layout.optional_cd is not None:
        spans.append(layout.optional)
        cds.append(layout.optional_cd)
    if layout.composite_cd is not None:
        cds.append(layout.composite_cd)
    cells = {(line, col) for line, start, end in spans for col in range(start, end)}
    return sorted(cells | set(cds))


def _replace(text: str, line: int, col: int, char: str) -> str:
    lines = text.split("\n")
    lines[line] = lines[line][:col] + char + lines[line][col + 1 :]
    return "\n".join(lines)


def covered_changes(docs: list[Doc], rng: random.Random) -> list[Doc]:
    """One random character change inside a check-digit-covered field of each document."""
    out = []
    for fmt, text in docs:
        line, col = rng.choice(_covered(LAYOUTS[fmt]))
        old = text.split("\n")[line][col]
        out.append((fmt, _replace(text, line, col, rng.choice(MRZ_CHARS.replace(old, "")))))
    return out


def lookalikes(docs: list[Doc], rng: random.Random) -> list[Doc]:
    """One OCR look-alike swap (0/O, 1/I, 8/B, 5/S, 2/Z) anywhere in each document."""
    out = []
    for fmt, text in docs:
        spots = [(i, c) for i, c in enumerate(text) if c in SWAP]
        if spots:
            i, c = rng.choice(spots)
            out.append((fmt, text[:i] + SWAP[c] + text[i + 1 :]))
    return out


def fuzz(docs: list[Doc], rng: random.Random) -> dict[str, list[Doc]]:
    """Input no reader should choke on; the first two kinds are still the same document."""
    garbage = string.printable + "«»ÄßİŞ€\u200b"
    return {
        "lowercase (same document)": [(f, t.lower()) for f, t in docs],
        "stray spaces (same document)": [(f, t.replace("\n", " \n  ")) for f, t in docs],
        "last character lost": [(f, t[:-1]) for f, t in docs],
        "random garbage": [
            (f, "".join(rng.choices(garbage, k=rng.randint(0, 100)))) for f, _ in docs
        ],
        "unicode look-alikes": [(f, t.replace("<", "«", 1)) for f, t in docs],
    }


def damaged(docs: list[Doc], rng: random.Random) -> None:
    # Only documents every checker accepts intact, so a rejection is the damage's doing.
    sample = [doc for doc in docs if all(check(*doc) for check in CHECKERS.values())][:5000]
    cases: dict[str, list[Doc]] = {
        "change in a covered field": covered_changes(sample, rng),
        "OCR look-alike anywhere": lookalikes(sample, rng),
        **fuzz(sample, rng),
    }
    print("\n3. Damaged input, made from documents both accept intact: rejected / raised")
    print("   (of n). For the first two kinds a higher 'rejected' is better, for '(same")
    print("   document)' a lower one; 'raised' is an exception out of the checker")
    print(f"   {'kind':<31} {'n':>5}" + "".join(f"{name:>20}" for name in CHECKERS))
    for kind, items in cases.items():
        cells = []
        for check in CHECKERS.values():
            rejected = raised = 0
            for fmt, text in items:
                try:
                    rejected += not check(fmt, text)
                except Exception:
                    raised += 1
            cells.append(f"{rejected} / {raised}")
        print(f"   {kind:<31} {len(items):>5}" + "".join(f"{cell:>20}" for cell in cells))
    repaired = sum(
        1
        for _, text in cases["OCR look-alike anywhere"]
        if parse_mrz(text, on=ON, repair=True).valid
    )
    total = len(cases["OCR look-alike anywhere"])
    print(f"   ours with repair=True accepts {repaired} of the {total} look-alike swaps,")
    print("   every change listed in result.repairs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    docs = generate(args.docs, rng)
    print(f"MRZ benchmark, {date.today().isoformat()}, Python {sys.version.split()[0]},")
    print(f"{platform.machine()}, {platform.processor() or 'unknown processor'}")
    if THEIR_CHECKERS is None:
        print("(the mrz package is not installed: only our side runs)")
    speed(docs)
    specimens()
    damaged(docs, rng)


if __name__ == "__main__":
    main()
