"""A party's own logbook, and comparing it with the leaves the party was given. Pure.

The logbook is a CSV file with a header row and these columns (others are ignored):
``ref`` (the party's own identifier of the movement, what a ``missing`` line names), ``time``
(ISO 8601 with a time zone, e.g. ``2026-10-01T07:30+04:00``), ``direction`` (``in`` or
``out``), ``kind`` (``person`` or ``vehicle``) and at least one of ``plate``, ``convoy``,
``document`` (the vehicle's plate, the convoy's reference, the travel document's number).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from borderpost.ledger.attestations.statement import (
    DIRECTIONS,
    KINDS,
    REFERENCE,
    Missing,
    StatementError,
)
from borderpost.ledger.leaves import minute, parse_minute
from borderpost.plates import normalise_plate

MAX_ROWS = 200_000


@dataclass(frozen=True)
class Movement:
    """One line of the party's logbook."""

    ref: str
    time: dt.datetime
    direction: str
    kind: str
    plate: str = ""
    convoy: str = ""
    document: str = ""

    def names(self) -> set[tuple[str, str]]:
        """What identifies it: (field, normalised value) pairs."""
        return _names(self.plate, self.convoy, self.document)


def _names(plate: str | None, convoy: str | None, document: str | None) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    if plate:
        out.add(("plate", normalise_plate(plate)))
    if convoy:
        out.add(("convoy", convoy.strip().upper()))
    if document:
        out.add(("document", document.strip().upper().replace(" ", "")))
    return out


def read_logbook(text: str) -> list[Movement]:
    """The movements of a logbook CSV; StatementError naming the line and the column."""
    rows: list[Movement] = []
    reader = csv.DictReader(io.StringIO(text))
    for line, row in enumerate(reader, start=2):
        if line > MAX_ROWS:
            raise StatementError(f"logbook: over {MAX_ROWS} lines")
        try:
            time = dt.datetime.fromisoformat((row.get("time") or "").strip().replace("Z", "+00:00"))
        except ValueError as exc:
            raise StatementError(f"logbook line {line}: time is not ISO 8601") from exc
        if time.tzinfo is None:
            raise StatementError(f"logbook line {line}: time has no time zone")
        movement = Movement(
            (row.get("ref") or "").strip(),
            time,
            (row.get("direction") or "").strip(),
            (row.get("kind") or "").strip(),
            (row.get("plate") or "").strip(),
            (row.get("convoy") or "").strip(),
            (row.get("document") or "").strip(),
        )
        if movement.direction not in DIRECTIONS or movement.kind not in KINDS:
            raise StatementError(f"logbook line {line}: direction or kind is not one we know")
        if not REFERENCE.fullmatch(movement.ref) or not movement.names():
            raise StatementError(
                f"logbook line {line}: a ref (letters, digits, . _ / -) and a plate, convoy or "
                "document are needed"
            )
        rows.append(movement)
    return rows


@dataclass(frozen=True)
class Leaf:
    """A leaf the party was given, its receipt verified and its opening checked."""

    index: int
    facts: dict[str, Any]
    opened: dict[str, Any] | None  # the personal fields, None when the opening failed
    convoy: str | None

    def names(self) -> set[tuple[str, str]]:
        opened = self.opened or {}
        vehicle = opened.get("vehicle") or {}
        document = (opened.get("traveller") or {}).get("document") or {}
        return _names(vehicle.get("plate"), self.convoy, document.get("number"))

    @property
    def time(self) -> dt.datetime:
        return parse_minute(self.facts["time"])


def parse_opening(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else None


@dataclass
class Comparison:
    confirmed: set[int] = field(default_factory=set)
    disputed: dict[int, str] = field(default_factory=dict)
    missing: list[Missing] = field(default_factory=list)


def compare(
    leaves: Sequence[Leaf],
    logbook: Sequence[Movement] | None,
    days: tuple[dt.date, dt.date],
    zone: str,
    tolerance: dt.timedelta = dt.timedelta(minutes=10),
    missing_before: dt.datetime | None = None,
) -> Comparison:
    """Confirm, dispute (with a reason) and find missing, leaf by leaf.

    Without a logbook every leaf whose opening matches is confirmed. With one, a leaf is
    confirmed by an unused movement of the same kind and identity, in the same direction,
    within ``tolerance``; otherwise disputed: ``time`` (same direction, other time),
    ``direction``, or ``not-in-logbook``. Movements of the period (days local to ``zone``)
    that no leaf took are missing (only those before ``missing_before``, when given).
    """
    result = Comparison()
    usable = []
    for leaf in leaves:
        if leaf.opened is None:
            result.disputed[leaf.index] = "opening"
        else:
            usable.append(leaf)
    if logbook is None:
        result.confirmed.update(leaf.index for leaf in usable)
        return result
    by_name: dict[tuple[str, str], list[int]] = {}
    for n, movement in enumerate(logbook):
        for name in movement.names():
            by_name.setdefault(name, []).append(n)
    used: set[int] = set()
    for leaf in sorted(usable, key=lambda lf: lf.index):
        candidates = sorted(
            {n for name in leaf.names() for n in by_name.get(name, ())} - used,
        )
        at = leaf.time
        same_kind = [n for n in candidates if logbook[n].kind == leaf.facts["kind"]]
        same_way = [n for n in same_kind if logbook[n].direction == leaf.facts["direction"]]
        close = [n for n in same_way if abs(logbook[n].time - at) <= tolerance]
        if close:
            best = min(close, key=lambda n: abs(logbook[n].time - at))
            used.add(best)
            result.confirmed.add(leaf.index)
        elif same_way or same_kind:
            # The movement the leaf stands for, recorded otherwise: disputed, not also missing.
            nearest = min(same_way or same_kind, key=lambda n: abs(logbook[n].time - at))
            used.add(nearest)
            result.disputed[leaf.index] = "time" if same_way else "direction"
        else:
            result.disputed[leaf.index] = "not-in-logbook"
    tz = ZoneInfo(zone)
    for n, movement in enumerate(logbook):
        day = movement.time.astimezone(tz).date()
        late = missing_before is not None and movement.time >= missing_before
        if n in used or late or not days[0] <= day <= days[1]:
            continue
        result.missing.append(
            Missing(minute(movement.time), movement.direction, movement.kind, movement.ref)
        )
    return result


def unique(items: Iterable[Missing]) -> tuple[Missing, ...]:
    return tuple(sorted(set(items)))
