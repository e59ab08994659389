"""Importing a watchlist version: one transaction that replaces the list's active version.

The file is compared with the active version, entry key by entry key: only what changed is
written (a row put for an entry added or changed, the current row closed for one changed or
removed; ``screening.versions``), so an import that changes a thousand entries of a million
writes a few thousand rows, and the content's checksum is updated from those rows alone.
Entries go in with Core executemany or COPY in batches (a million ORM objects would cost
minutes); the watchlist and version rows go through the ORM, so the audit hook records them.
Readers keep seeing the old version until the commit; a bad line (unless ``skip_bad``) writes
nothing.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO

from sqlalchemy import select

from borderpost import clock, reference
from borderpost.errors import FieldProblem, InvalidInput, invalid
from borderpost.ids import new_id
from borderpost.messages import Message
from borderpost.screening.listfile import BadLine, Parsed, read_csv, read_ftm
from borderpost.screening.lthash import LtHash, Row, element
from borderpost.screening.model import EntryKind, ListKind, Watchlist, WatchlistVersion
from borderpost.screening.versions import (
    COLUMNS,
    NextVersion,
    WholeDiff,
    activate,
    clean_pending,
    digests,
    next_number,
    state_of,
)
from borderpost.unit_of_work import UnitOfWork

BATCH = 5000
MAX_PROBLEMS = 1000  # enough to fix a file; a wholly wrong file would otherwise fill memory
# Which entry kinds each kind of list may hold.
ALLOWED = {
    ListKind.PERSONS: {EntryKind.PERSON},
    ListKind.DOCUMENTS: {EntryKind.DOCUMENT},
    ListKind.VEHICLES: {EntryKind.VEHICLE},
    ListKind.MIXED: set(EntryKind),
}


class ListFormat(StrEnum):
    FTM = "ftm"
    CSV = "csv"


@dataclass
class ImportReport:
    watchlist: str
    version_id: str | None = None
    read: int = 0
    written: int = 0  # entries in the new version
    put: int = 0  # rows written: entries added or changed
    removed: int = 0  # entries of the previous version the new one does not hold
    skipped: int = 0  # entities of schemas a post has no use for
    problems: list[BadLine] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "watchlist": self.watchlist,
            "version_id": self.version_id,
            "read": self.read,
            "written": self.written,
            "put": self.put,
            "removed": self.removed,
            "skipped": self.skipped,
            "problems": [
                {"line": p.line, "field": p.field, "reason": p.reason} for p in self.problems
            ],
        }


def _lines(handle: IO[bytes], progress: Callable[[int], None] | None) -> Iterator[str]:
    done = 0
    for raw in handle:
        done += len(raw)
        if progress is not None and done & 0xFFFF < len(raw):  # every 64 KiB or so
            progress(done)
        yield raw.decode("utf-8", errors="replace")
    if progress is not None:
        progress(done)


def parse(fmt: ListFormat, lines: Iterator[str]) -> Iterator[Parsed]:
    return read_ftm(lines) if fmt is ListFormat.FTM else read_csv(lines)


def import_version(
    uow: UnitOfWork,
    name: str,
    handle: IO[bytes],
    fmt: ListFormat,
    *,
    source: str,
    label: str,
    kind: ListKind | None = None,
    skip_bad: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Write a new version of list ``name`` (created with ``kind`` if new) and activate it.

    Raises InvalidInput naming each bad line unless ``skip_bad``; the caller commits.
    """
    name = name.strip()
    if not name or len(name) > 64:
        raise invalid("list", "must be 1 to 64 characters")
    session = uow.session
    now = clock.now()
    watchlist = session.scalars(select(Watchlist).where(Watchlist.name == name)).one_or_none()
    if watchlist is None:
        watchlist = Watchlist(
            id=new_id(), name=name, kind=(kind or ListKind.MIXED).value, created_at=now
        )
        session.add(watchlist)
        session.flush()
    elif kind is not None and kind.value != watchlist.kind:
        raise invalid(
            "kind",
            Message(
                "list {name} holds {kind}, not {wanted}",
                name=name,
                kind=Message.of(watchlist.kind),
                wanted=Message.of(kind.value),
            ),
        )
    allowed = ALLOWED[ListKind(watchlist.kind)]
    conn = session.connection()
    old = (
        session.get(WatchlistVersion, watchlist.active_version_id)
        if (watchlist.active_version_id is not None)
        else None
    )
    base = old.number if old is not None else 0
    clean_pending(conn, watchlist.id, base)  # what an interrupted version left
    version = WatchlistVersion(
        id=new_id(),
        watchlist_id=watchlist.id,
        source=source[:200],
        label=label[:100] or now.strftime("%Y-%m-%dT%H:%M"),
        imported_at=now,
        imported_by=uow.actor,
        entry_count=0,
        number=next_number(conn, watchlist.id),
        base_number=base or None,
    )
    session.add(version)
    session.flush()
    report = ImportReport(name, str(version.id))
    state = state_of(conn, old) if old is not None else None
    writer = NextVersion(watchlist.id, base, version.number, state or LtHash())
    diff = WholeDiff(digests(conn, watchlist.id, base) if base else {})
    batch: list[Row] = []
    lines: list[bytes] = []  # the batch's lines: hashed once, for the diff and the LtHash
    changed: list[str] = []

    def flush() -> None:
        writer.close(conn, changed)
        writer.write(conn, batch, lines)
        batch.clear()
        lines.clear()
        changed.clear()

    for number, parsed in parse(fmt, _lines(handle, progress)):
        report.read += 1
        if parsed is None:
            report.skipped += 1
            continue
        if isinstance(parsed, dict) and EntryKind(parsed["kind"]) not in allowed:
            parsed = BadLine(
                number, "kind", f"a {watchlist.kind} list cannot hold a {parsed['kind']}"
            )
        if isinstance(parsed, BadLine):
            if len(report.problems) < MAX_PROBLEMS:
                report.problems.append(parsed)
            continue
        if report.problems and not skip_bad:
            continue  # nothing will be written: only look for more problems
        row: Row = tuple(parsed[c] for c in COLUMNS)  # type: ignore[assignment]
        line = element(row)
        seen = diff.see(row, line)
        if seen == "same":
            continue
        if seen == "changed":
            changed.append(row[0])
        elif seen == "again":  # the last line of a key given twice is the one kept
            flush()
            if not writer.unput(conn, row[0]):
                writer.close(conn, [row[0]])
        batch.append(row)
        lines.append(line)
        if len(batch) >= BATCH:
            flush()
    if report.problems and not skip_bad:
        raise InvalidInput(
            [FieldProblem(f"line {p.line}", f"{p.field}: {p.reason}") for p in report.problems]
        )
    flush()
    gone = diff.gone()
    writer.close(conn, gone)
    report.written = len(diff.seen)
    report.put, report.removed = writer.put, len(gone)
    version.entry_count = report.written
    assert writer.lthash is not None
    version.lthash, version.checksum = writer.lthash.state(), writer.lthash.checksum()
    # Hits keep the entry's key and name; the rows this version closed are kept until the next.
    activate(conn, watchlist, version)
    # Every process screening crossings sees the new version on its next unit of work.
    reference.touch(session)
    session.info.pop("screener", None)
    session.flush()
    return report


def format_of(path: Path, fmt: ListFormat | None) -> ListFormat:
    """The format given, else by suffix: ``.csv`` is CSV, anything else FtM JSON Lines."""
    return fmt or (ListFormat.CSV if path.suffix.lower() == ".csv" else ListFormat.FTM)


def as_stream(data: bytes) -> IO[bytes]:
    """An uploaded body as the file ``import_version`` reads."""
    return io.BytesIO(data)
