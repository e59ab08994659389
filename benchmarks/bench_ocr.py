"""Reading an MRZ off an image: PassportEye against our route, on the same rendered pages.

    .venv/bin/python -m benchmarks.bench_ocr [--seeds 1]

Every ICAO specimen (specimens.py) is drawn in OCR-B (Debian fonts-ocr-b) on a page, as is
and as four poorer pictures (rotated 4 degrees, salt-and-pepper noise, scaled to 60 %,
blurred): tests/ocr_pages.py. Each route's text is checked by ``parse_mrz(repair=True)``;
a page is read right when every field equals the specimen's. Both routes use Debian's
tesseract with its general English model; PassportEye finds the zone with scikit-image and
reads it in one tesseract call, ours (documents/ocr.py) sorts fillers by shape first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.progress import track
from tests.ocr_pages import VARIANTS, render_page, variant

from benchmarks.common import machine
from borderpost.documents.mrz.parser import parse_mrz
from borderpost.documents.mrz.specimens import SPECIMENS
from borderpost.documents.ocr import read_image

ON = dt.date(2026, 11, 23)
FIELDS = (
    "format",
    "document_type",
    "issuer",
    "document_number",
    "surname",
    "given_names",
    "nationality",
    "birth_date",
    "sex",
    "expiry_date",
    "optional_data",
)
Reader = Callable[[Path], Sequence[str] | None]


def ours(path: Path) -> Sequence[str] | None:
    found = read_image(path)
    return found.lines if found else None


def passporteye(path: Path) -> Sequence[str] | None:
    from passporteye import read_mrz

    with warnings.catch_warnings():  # scikit-image deprecations inside PassportEye
        warnings.simplefilter("ignore")
        found = read_mrz(str(path))
    return str(found.aux["text"]).split("\n") if found is not None else None


def run(seeds: int) -> None:
    readers: dict[str, Reader] = {"ours (ocr.py)": ours, "PassportEye 2.2": passporteye}
    with tempfile.TemporaryDirectory() as folder:
        pages = []
        for seed in range(seeds):
            for name, lines in SPECIMENS.items():
                page = render_page(lines, seed=seed)
                for kind in VARIANTS:
                    path = Path(folder) / f"{name}-{kind}-{seed}.png"
                    variant(page, kind, seed=seed).save(path)
                    pages.append((name, kind, path))
        print(f"{len(pages)} pages, {machine()}")
        for label, reader in readers.items():
            right: dict[str, int] = dict.fromkeys(VARIANTS, 0)
            found = valid = 0
            times = []
            for name, kind, path in track(pages, description=label):
                truth = parse_mrz(SPECIMENS[name], on=ON).to_dict()
                start = time.perf_counter()
                lines = reader(path)
                times.append(time.perf_counter() - start)
                if lines is None:
                    continue
                found += 1
                got = parse_mrz(lines, on=ON, repair=True).to_dict()
                valid += bool(got["valid"])
                if all(got[f] == truth[f] for f in FIELDS):
                    right[kind] += 1
            per_kind = ", ".join(f"{k} {right[k]}/{len(pages) // len(VARIANTS)}" for k in VARIANTS)
            print(
                f"  {label:<16} read right {sum(right.values())}/{len(pages)} ({per_kind}); "
                f"MRZ found {found}, valid {valid}; median {statistics.median(times):.2f} s, "
                f"max {max(times):.2f} s per page"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1, help="pages per specimen and variant")
    args = parser.parse_args()
    run(args.seeds)


if __name__ == "__main__":
    main()
