"""The attestation statement: the text a party signs as a C2SP signed note. Pure.

Byte for byte (every line ends in one newline, ``\\n``; UTF-8; no other whitespace)::

    borderpost.attestation/v1
    log <origin of the log attested>
    checkpoint <tree size> <base64 root hash>
    party <party code> <organisation type>
    period <first day YYYY-MM-DD> <last day YYYY-MM-DD>
    confirmed <number of leaves confirmed>
    disputed <number of leaves disputed>
    missing <number of movements missing>
    confirm <ranges of log indexes: a or a-b, comma separated, ascending, at most 100>
    ...
    dispute <log index> <reason>
    ...
    missing <YYYY-MM-DDTHH:MMZ> <direction> <kind> <logbook reference>
    ...

``confirm`` lines hold the confirmed indexes in ascending order, merged into ranges; ``dispute``
lines ascend by index; ``missing`` lines are sorted as text. A reason is one of ``REASONS``. A
logbook reference is the party's own identifier of the movement (never a plate or a name: the
statement becomes a leaf of the public log). There is exactly one encoding of each statement:
``parse`` refuses any other.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

HEADER = "borderpost.attestation/v1"
# The reasons a party may give for disputing a leaf.
REASONS = {
    "not-in-logbook": "the party's logbook has no such movement",
    "time": "the logbook has the movement at another time",
    "direction": "the logbook has the movement in the other direction",
    "identity": "the opened plate, reference or document is not the party's",
    "opening": "the opening given does not match the leaf's commitment",
}
DIRECTIONS = ("in", "out")
KINDS = ("person", "vehicle")
RANGES_PER_LINE = 100
# A statement is a leaf (at most 65,535 bytes with its JSON): room for the signatures.
MAX_STATEMENT_BYTES = 48_000
_ORIGIN = re.compile(r"[!-~]{1,200}")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
_TYPE = re.compile(r"[a-z][a-z_]{0,31}")
REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")
_MINUTE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}Z")
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,18}")


class StatementError(ValueError):
    """Text that is not an attestation statement of this format."""


@dataclass(frozen=True, order=True)
class Missing:
    """A movement of the party's logbook that the party finds in no leaf."""

    time: str
    direction: str
    kind: str
    reference: str

    def line(self) -> str:
        return f"missing {self.time} {self.direction} {self.kind} {self.reference}"


@dataclass(frozen=True)
class Statement:
    """What a party states about its leaves in one log, against one checkpoint."""

    log: str
    size: int
    root: bytes
    party: str
    organisation_type: str
    first: dt.date
    last: dt.date
    confirmed: frozenset[int] = field(default_factory=frozenset)
    disputed: dict[int, str] = field(default_factory=dict)
    missing: tuple[Missing, ...] = ()

    def __post_init__(self) -> None:
        _check(self)

    def encode(self) -> str:
        """The statement text (the note text the party signs)."""
        lines = [
            HEADER,
            f"log {self.log}",
            f"checkpoint {self.size} {base64.b64encode(self.root).decode('ascii')}",
            f"party {self.party} {self.organisation_type}",
            f"period {self.first.isoformat()} {self.last.isoformat()}",
            f"confirmed {len(self.confirmed)}",
            f"disputed {len(self.disputed)}",
            f"missing {len(self.missing)}",
        ]
        ranges = list(to_ranges(self.confirmed))
        for start in range(0, len(ranges), RANGES_PER_LINE):
            lines.append("confirm " + ",".join(ranges[start : start + RANGES_PER_LINE]))
        lines += [f"dispute {i} {self.disputed[i]}" for i in sorted(self.disputed)]
        lines += [m.line() for m in sorted(self.missing)]
        text = "\n".join(lines) + "\n"
        if len(text.encode("utf-8")) > MAX_STATEMENT_BYTES:
            raise StatementError(
                f"the statement is over {MAX_STATEMENT_BYTES} bytes: attest a shorter period"
            )
        return text


def _check(s: Statement) -> None:
    if not _ORIGIN.fullmatch(s.log):
        raise StatementError("log: not an origin (printable ASCII, no spaces)")
    if len(s.root) != 32:
        raise StatementError("checkpoint: the root hash is not 32 bytes")
    if not _CODE.fullmatch(s.party):
        raise StatementError("party: not a party code")
    if not _TYPE.fullmatch(s.organisation_type):
        raise StatementError("party: not an organisation type")
    if s.last < s.first:
        raise StatementError("period: the last day is before the first")
    indexes = set(s.confirmed) | set(s.disputed)
    if any(i < 0 or i >= s.size for i in indexes):
        raise StatementError("a confirmed or disputed index is not below the checkpoint's size")
    if set(s.confirmed) & set(s.disputed):
        raise StatementError("a leaf is both confirmed and disputed")
    for reason in s.disputed.values():
        if reason not in REASONS:
            raise StatementError(f"dispute: unknown reason {reason!r}")
    for m in s.missing:
        if not (
            _MINUTE.fullmatch(m.time)
            and m.direction in DIRECTIONS
            and m.kind in KINDS
            and REFERENCE.fullmatch(m.reference)
        ):
            raise StatementError(f"missing: malformed movement {m.line()!r}")
    if len(set(s.missing)) != len(s.missing):
        raise StatementError("missing: a movement is named twice")


def to_ranges(indexes: Iterable[int]) -> Iterable[str]:
    """Ascending indexes merged into ``a`` or ``a-b`` ranges."""
    run: list[int] = []
    for i in sorted(indexes):
        if run and i == run[1] + 1:
            run[1] = i
            continue
        if run:
            yield _range_text(run)
        run = [i, i]
    if run:
        yield _range_text(run)


def _range_text(run: Sequence[int]) -> str:
    return str(run[0]) if run[0] == run[1] else f"{run[0]}-{run[1]}"


def _int(text: str, what: str) -> int:
    if not _DECIMAL.fullmatch(text):
        raise StatementError(f"{what}: not a decimal number: {text[:20]!r}")
    return int(text)


def _fields(line: str, keyword: str, count: int) -> list[str]:
    parts = line.split(" ")
    if parts[0] != keyword or len(parts) != count + 1:
        raise StatementError(f"expected a {keyword!r} line with {count} fields: {line[:60]!r}")
    return parts[1:]


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise StatementError(f"period: not a day: {text[:20]!r}") from exc


def parse(text: str) -> Statement:
    """The statement of ``text``; StatementError unless it is exactly its canonical encoding."""
    if len(text.encode("utf-8")) > MAX_STATEMENT_BYTES or not text.endswith("\n"):
        raise StatementError("not a statement: too long, or no final newline")
    lines = text[:-1].split("\n")
    if len(lines) < 8 or lines[0] != HEADER:
        raise StatementError(f"a statement starts with {HEADER} and eight header lines")
    (log,) = _fields(lines[1], "log", 1)
    size_text, root64 = _fields(lines[2], "checkpoint", 2)
    party, org_type = _fields(lines[3], "party", 2)
    first, last = (_day(t) for t in _fields(lines[4], "period", 2))
    n_confirmed = _int(_fields(lines[5], "confirmed", 1)[0], "confirmed")
    n_disputed = _int(_fields(lines[6], "disputed", 1)[0], "disputed")
    n_missing = _int(_fields(lines[7], "missing", 1)[0], "missing")
    try:
        root = base64.b64decode(root64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise StatementError("checkpoint: the root is not base64") from exc
    confirmed: set[int] = set()
    disputed: dict[int, str] = {}
    missing: list[Missing] = []
    for line in lines[8:]:
        keyword = line.split(" ", 1)[0]
        if keyword == "confirm":
            for part in _fields(line, "confirm", 1)[0].split(","):
                a, _, b = part.partition("-")
                start = _int(a, "confirm")
                end = _int(b, "confirm") if b else start
                if end < start or end - start > 10_000_000:
                    raise StatementError(f"confirm: bad range {part!r}")
                confirmed.update(range(start, end + 1))
        elif keyword == "dispute":
            index, reason = _fields(line, "dispute", 2)
            disputed[_int(index, "dispute")] = reason
        elif keyword == "missing":
            missing.append(Missing(*_fields(line, "missing", 4)))
        else:
            raise StatementError(f"unknown line {line[:40]!r}")
    if (len(confirmed), len(disputed), len(missing)) != (n_confirmed, n_disputed, n_missing):
        raise StatementError("the counts do not match the lines that follow them")
    statement = Statement(
        log,
        _int(size_text, "checkpoint"),
        root,
        party,
        org_type,
        first,
        last,
        frozenset(confirmed),
        disputed,
        tuple(missing),
    )
    if statement.encode() != text:
        raise StatementError("the statement is not in its canonical form")
    return statement
