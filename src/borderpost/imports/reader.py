"""Reading import files: JSON Lines, or CSV whose headers are the same fields in dotted form.

A CSV header ``traveller.document.number`` fills ``{"traveller": {"document": {"number": ..}}}``;
an empty cell leaves the field out; ``reasons`` holds reasons separated by ``;``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LIST_FIELDS = {"reasons", "exempt_categories"}
JSON_FIELDS = {"names", "opening_hours", "lanes"}


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in the file (the CSV header is line 1)
    data: dict[str, Any] | None
    error: str | None
    end_offset: int  # bytes read so far, for the progress bar


def _nest(row: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key is None or value is None or value == "":
            continue
        parts = key.strip().split(".")
        target = out
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        last = parts[-1]
        if last in LIST_FIELDS:
            target[last] = [v.strip() for v in value.split(";") if v.strip()]
        elif last in JSON_FIELDS:
            target[last] = json.loads(value)
        else:
            target[last] = value
    return out


def read_lines(path: Path, fmt: str | None = None) -> Iterator[Line]:
    """Yield every record of ``path``; a line that cannot be read carries its error instead."""
    fmt = fmt or ("csv" if path.suffix.lower() == ".csv" else "jsonl")
    with path.open("rb") as raw:
        if fmt == "csv":
            yield from _read_csv(raw)
        else:
            yield from _read_jsonl(raw)


def _read_jsonl(raw: io.BufferedReader) -> Iterator[Line]:
    offset = 0
    for number, chunk in enumerate(raw, start=1):
        offset += len(chunk)
        text = chunk.strip()
        if not text:
            continue
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            yield Line(number, None, f"not valid JSON: {exc}", offset)
            continue
        if not isinstance(data, dict):
            yield Line(number, None, "a line must be a JSON object", offset)
            continue
        yield Line(number, data, None, offset)


def _read_csv(raw: io.BufferedReader) -> Iterator[Line]:
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    reader = csv.DictReader(text)
    for row in reader:
        number = reader.line_num
        offset = raw.tell()
        try:
            yield Line(number, _nest(row), None, offset)
        except (json.JSONDecodeError, AttributeError) as exc:
            yield Line(number, None, f"cannot read the row: {exc}", offset)
