"""A watchlist's content as headquarters ships it: sorted lines, their checksum, the whole
file and the deltas between versions (entries put, entries removed). No I/O, no database.

A line is the JSON array ``[entry_key, kind, names, birth_dates, nationalities, documents,
plates]``; the content's checksum is the SHA-256 of its lines in entry-key order, each ended by
a newline, so headquarters and a post each compute it from their own rows and compare.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import orjson

COLUMNS = ("entry_key", "kind", "names", "birth_dates", "nationalities", "documents", "plates")
Row = tuple[str, str, str, str, str, str, str]


def line_of(row: Row) -> bytes:
    return orjson.dumps(list(row))


def checksum(rows: Iterable[Row]) -> str:
    """SHA-256 of the content: its lines in entry-key order (``rows`` must be sorted)."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(line_of(row))
        digest.update(b"\n")
    return digest.hexdigest()


def whole_file(rows: Iterable[Row]) -> bytes:
    """The whole list, gzip-compressed lines."""
    return gzip.compress(b"".join(line_of(r) + b"\n" for r in rows), compresslevel=1)


def read_whole_file(data: bytes) -> dict[str, Row]:
    out: dict[str, Row] = {}
    for raw in gzip.decompress(data).splitlines():
        if raw:
            row = tuple(orjson.loads(raw))
            out[row[0]] = row
    return out


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


def delta_between(old: dict[str, Row], new: list[Row]) -> Delta:
    """What turns ``old`` into ``new``."""
    delta = Delta()
    seen: set[str] = set()
    for row in new:
        seen.add(row[0])
        if old.get(row[0]) != row:
            delta.put.append(row)
    delta.removed = sorted(set(old) - seen)
    return delta


def apply_delta(rows: dict[str, Row], delta: Delta) -> None:
    for key in delta.removed:
        rows.pop(key, None)
    for row in delta.put:
        rows[row[0]] = row
