"""A watchlist's content as headquarters ships it: lines, their checksum, the whole file and
the deltas between versions (entries put, entries removed). No I/O, no database.

A line is the JSON array ``[entry_key, kind, names, birth_dates, nationalities, documents,
plates]``. The content's checksum is its LtHash (``screening.lthash``: a homomorphic hash of
the multiset of lines, in any order), so headquarters and a post each keep it per version and
update it from a delta alone: the previous state, minus the rows closed, plus the rows put.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import orjson

from borderpost.screening.lthash import LtHash, Row
from borderpost.screening.lthash import element as line_of
from borderpost.screening.versions import COLUMNS

__all__ = [
    "COLUMNS",
    "Delta",
    "Row",
    "apply_delta",
    "checksum",
    "line_of",
    "read_whole_file",
    "read_whole_lines",
    "read_whole_rows",
    "whole_file",
]


def checksum(rows: Iterable[Row]) -> str:
    """The content's checksum computed whole (SHA-256 of its LtHash state), in any order."""
    return LtHash().add_rows(rows).checksum()


def whole_file(rows: Iterable[Row]) -> bytes:
    """The whole list, gzip-compressed lines (compressed as the rows stream in)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=1, mtime=0) as packed:
        lines: list[bytes] = []
        for row in rows:
            lines.append(line_of(row))
            if len(lines) >= 10_000:
                packed.write(b"\n".join(lines) + b"\n")
                lines.clear()
        if lines:
            packed.write(b"\n".join(lines) + b"\n")
    return out.getvalue()


def read_whole_rows(data: bytes) -> Iterator[Row]:
    """A whole file's rows, in its order."""
    for raw in gzip.decompress(data).splitlines():
        if raw:
            yield tuple(orjson.loads(raw))


def read_whole_file(data: bytes) -> dict[str, Row]:
    return {row[0]: row for row in read_whole_rows(data)}


def read_whole_lines(data: bytes) -> dict[str, tuple[Row, bytes]]:
    """Each entry key's row and its line as written (``line_of`` the row: the bytes its
    checksum hashes), the last line of a key given twice."""
    raws = [raw for raw in gzip.decompress(data).splitlines() if raw]
    # One JSON array of every line: one call into orjson, not one per line.
    parsed = orjson.loads(b"[" + b",".join(raws) + b"]")
    return {row[0]: (tuple(row), raw) for row, raw in zip(parsed, raws, strict=True)}


@dataclass
class Delta:
    """From one version to the next: entries added or changed, and keys removed."""

    put: list[Row] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def encode(self) -> bytes:
        return gzip.compress(
            orjson.dumps({"put": [list(r) for r in self.put], "removed": self.removed}),
            compresslevel=6,
        )

    @classmethod
    def decode(cls, data: bytes) -> Delta:
        body = orjson.loads(gzip.decompress(data))
        return cls([tuple(r) for r in body["put"]], [str(k) for k in body["removed"]])

    def then(self, later: Delta) -> Delta:
        """This delta followed by ``later``, as one."""
        state: dict[str, Row | None] = {r[0]: r for r in self.put}
        state.update(dict.fromkeys(self.removed))
        state.update({r[0]: r for r in later.put})
        state.update(dict.fromkeys(later.removed))
        return Delta(
            [r for r in state.values() if r is not None],
            [k for k, r in state.items() if r is None],
        )


def apply_delta(rows: dict[str, Row], delta: Delta) -> None:
    for key in delta.removed:
        rows.pop(key, None)
    for row in delta.put:
        rows[row[0]] = row
