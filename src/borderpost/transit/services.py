"""Use cases: add and read corridors; transits, their counts, repeated movements.

Called alike by the API, the web pages and the CLI. Transits are read as stored when their
crossings were recorded (``transit/stored.py``); repeated movements are found in the period's
crossings, with the window and the count the reader asks for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from borderpost import clock, reference
from borderpost.errors import Conflict, NotFound, invalid
from borderpost.messages import Message
from borderpost.posts import repository as posts_repository
from borderpost.posts.model import Post
from borderpost.transit import repository, stored
from borderpost.transit.model import Corridor
from borderpost.transit.pairing import Movement, TransitState, repeated
from borderpost.transit.schemas import (
    CorridorCreate,
    CorridorRead,
    CrossingRef,
    RepeatedRead,
    TransitRead,
)
from borderpost.unit_of_work import UnitOfWork

DEFAULT_DAYS = 30
# Overdue first: what needs a look; then the rest, latest first.
STATE_ORDER = [
    TransitState.OVERDUE,
    TransitState.IN_TRANSIT,
    TransitState.EXIT_WITHOUT_ENTRY,
    TransitState.COMPLETED_LATE,
    TransitState.RETURNED,
    TransitState.COMPLETED,
]


def add_corridor(uow: UnitOfWork, data: CorridorCreate) -> Corridor:
    """A new corridor; the audit hook records it (ORM)."""
    if repository.corridor_by_code(uow.session, data.code) is not None:
        raise Conflict("code", Message("a corridor {code!r} already exists", code=data.code))
    ends: dict[str, Post] = {}
    for field in ("post_a", "post_b"):
        code = getattr(data, field)
        post = posts_repository.post_by_code(uow.session, code)
        if post is None:
            raise invalid(field, Message("no post with code {code!r}", code=code))
        ends[field] = post
    corridor = Corridor(
        code=data.code,
        name=data.name,
        post_a=ends["post_a"],
        post_b=ends["post_b"],
        deadline_hours=data.deadline_hours,
        deadlines={c.value: h for c, h in data.deadlines.items()},
        categories=[c.value for c in data.categories],
        created_at=clock.now(),
    )
    uow.session.add(corridor)
    uow.session.flush()
    reference.touch(uow.session)  # recording pairs the crossings at its ends from now on
    stored.pair_corridor(uow.session.connection(), corridor)  # and those recorded before
    return corridor


def get_corridor(uow: UnitOfWork, code: str) -> Corridor:
    corridor = repository.corridor_by_code(uow.session, code)
    if corridor is None:
        raise NotFound("corridor", Message("no corridor with code {code!r}", code=code))
    return corridor


def corridors(uow: UnitOfWork) -> Sequence[Corridor]:
    return repository.all_corridors(uow.session)


def to_read(corridor: Corridor) -> CorridorRead:
    return CorridorRead(
        code=corridor.code,
        name=corridor.name,
        post_a=corridor.post_a.code,
        post_b=corridor.post_b.code,
        deadline_hours=corridor.deadline_hours,
        deadlines=dict(corridor.deadlines),
        categories=list(corridor.categories),
        created_at=corridor.created_at,
    )


@dataclass(frozen=True)
class Period:
    """Days, inclusive, in UTC: transits listed by the day they began."""

    first: dt.date
    last: dt.date

    @classmethod
    def of(cls, first: dt.date | None, last: dt.date | None) -> Period:
        last = last or clock.now().date()
        first = first or last - dt.timedelta(days=DEFAULT_DAYS - 1)
        if first > last:
            raise invalid("from", "must be on or before to")
        return cls(first, last)

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(self.first, dt.time(), tzinfo=dt.UTC)
        return start, start + dt.timedelta(days=(self.last - self.first).days + 1)


def _ref(move: Movement | None) -> CrossingRef | None:
    if move is None:
        return None
    return CrossingRef(
        crossing_id=move.crossing_id,
        post=move.post,
        direction=move.direction,
        time=move.time,
        category=move.category,
    )


def _movements(rows: Sequence[Any]) -> tuple[list[Movement], dict[Any, Any]]:
    moves = [
        Movement(r.id, r.vehicle_id, r.post, r.direction, _utc(r.time), r.category) for r in rows
    ]
    vehicles = {r.vehicle_id: r for r in rows}
    return moves, vehicles


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _check_post(corridor: Corridor, post: str | None) -> None:
    if post and post not in corridor.ends:
        raise invalid(
            "post",
            Message("{post} is not an end of corridor {code}", post=post, code=corridor.code),
        )


_STATES = {s.value: s for s in TransitState}  # faster than calling the enum, per row
# The duration chart's edges, in quarters of the time allowed: <=25%, ..., <=150%, >150%.
QUARTERS = (1, 2, 3, 4, 5, 6)


@dataclass(frozen=True, slots=True)
class TransitView:
    """A transit as read: the fields of ``TransitRead``, without validating each of thousands
    (a page shows 50; the API validates those it answers)."""

    state: TransitState
    plate: str
    country: str
    vehicle_type: str | None
    category: str
    entry: Movement | None
    exit: Movement | None
    deadline_at: dt.datetime | None
    duration_hours: float | None
    began_at: dt.datetime


@dataclass(frozen=True)
class Tally:
    """A corridor's transits of a period counted, never listed: what the totals need."""

    counts: dict[TransitState, int]  # every state, in STATE_ORDER, zeros included
    durations: list[int]  # completed transits (late or not) by share of the time allowed

    def total(self, state: TransitState | None = None) -> int:
        return sum(self.counts.values()) if state is None else self.counts[state]


@dataclass(frozen=True)
class _Scope:
    """What a reading needs of its corridor, its period and its post (plain values)."""

    corridor_id: Any
    codes: dict[Any, str]
    since: dt.datetime
    until: dt.datetime
    post_id: Any
    now: dt.datetime


def _scope(corridor: Corridor, period: Period, post: str | None, now: dt.datetime | None) -> _Scope:
    _check_post(corridor, post)
    codes = {corridor.post_a_id: corridor.post_a.code, corridor.post_b_id: corridor.post_b.code}
    post_id = next((i for i, code in codes.items() if code == post), None) if post else None
    since, until = period.bounds
    return _Scope(corridor.id, codes, since, until, post_id, now or clock.now())


def _view(row: Any, codes: dict[Any, str], now: dt.datetime) -> TransitView:
    found = _STATES[row.state]
    deadline = _utc(row.deadline_at) if row.deadline_at else None
    if found is TransitState.IN_TRANSIT and deadline is not None and now > deadline:
        found = TransitState.OVERDUE
    entry = exit_ = None
    if row.entry_id is not None:
        entry = Movement(row.entry_id, row.vehicle_id, codes[row.entry_post_id], "in",
                         _utc(row.entry_time), row.entry_category)  # fmt: skip
    if row.exit_id is not None:
        exit_ = Movement(row.exit_id, row.vehicle_id, codes[row.exit_post_id], "out",
                         _utc(row.exit_time), row.exit_category)  # fmt: skip
    hours = None
    if entry is not None and exit_ is not None:
        hours = round((exit_.time - entry.time).total_seconds() / 3600, 2)
    return TransitView(found, row.plate, row.country, row.vehicle_type, row.category, entry,
                       exit_, deadline, hours, _utc(row.began_at))  # fmt: skip


def _states(state: TransitState | None) -> list[TransitState]:
    return STATE_ORDER if state is None else [state]


def tally(
    uow: UnitOfWork,
    corridor: Corridor,
    period: Period,
    *,
    post: str | None = None,
    now: dt.datetime | None = None,
) -> Tally:
    """How many transits began in ``period`` in each state, and the completed ones by share
    of their deadline used: counted by the database in one scan of the period."""
    scope = _scope(corridor, period, post, now)
    counts = dict.fromkeys(STATE_ORDER, 0)
    durations = [0] * (len(QUARTERS) + 1)
    rows = repository.tally(
        uow.session, scope.corridor_id, scope.since, scope.until,
        now=scope.now, quarters=QUARTERS, post_id=scope.post_id,
    )  # fmt: skip
    for state, share, n in rows:
        counts[_STATES[state]] += n
        if share is not None:
            durations[int(share)] += n
    return Tally(counts, durations)


def page(
    uow: UnitOfWork,
    corridor: Corridor,
    period: Period,
    *,
    post: str | None = None,
    state: TransitState | None = None,
    now: dt.datetime | None = None,
    offset: int = 0,
    limit: int = 50,
    counts: dict[TransitState, int] | None = None,
) -> list[TransitView]:
    """One page of the list :func:`transits` gives: ``limit`` transits from ``offset``.

    Read state by state with the counts (``tally``; pass them when already counted), so
    that the database reads the page and the rows before it in its state, not the period.
    """
    scope = _scope(corridor, period, post, now)
    if counts is None:
        counts = tally(uow, corridor, period, post=post, now=scope.now).counts
    out: list[TransitView] = []
    skip = offset
    for one in _states(state):
        if len(out) >= limit:
            break
        if skip >= counts[one]:
            skip -= counts[one]
            continue
        rows = repository.stored_transits(
            uow.session, scope.corridor_id, scope.since, scope.until, now=scope.now,
            state=one, post_id=scope.post_id, offset=skip, limit=limit - len(out),
        )  # fmt: skip
        out.extend(_view(row, scope.codes, scope.now) for row in rows)
        skip = 0
    return out


def transits(
    uow: UnitOfWork,
    corridor: Corridor,
    period: Period,
    *,
    post: str | None = None,
    state: TransitState | None = None,
    now: dt.datetime | None = None,
) -> list[TransitView]:
    """The corridor's transits that began in ``period``, touching ``post`` when given.

    Sorted overdue first, then in transit, exits without entry, late, returned, completed;
    latest first within a state. Every one: a page reads :func:`page`, an export
    :func:`transit_batches`.
    """
    return [t for batch in transit_batches(uow.session, corridor, period, post=post,
                                           state=state, now=now) for t in batch]  # fmt: skip


def transit_batches(
    session: Session,
    corridor: Corridor,
    period: Period,
    *,
    post: str | None = None,
    state: TransitState | None = None,
    now: dt.datetime | None = None,
    batch: int = 2_000,
) -> Iterator[list[TransitView]]:
    """The list :func:`transits` gives, ``batch`` at a time, read as it is consumed.

    The corridor's facts are taken at the call; the rows are read by ``session`` (which may
    be another than the corridor's), so that a streamed export holds one batch at a time.
    """
    scope = _scope(corridor, period, post, now)

    def read() -> Iterator[list[TransitView]]:
        for one in _states(state):
            for rows in repository.stored_transit_batches(
                session, scope.corridor_id, scope.since, scope.until, now=scope.now,
                state=one, post_id=scope.post_id, batch=batch,
            ):  # fmt: skip
                yield [_view(row, scope.codes, scope.now) for row in rows]

    return read()


def to_transit_read(transit: TransitView) -> TransitRead:
    return TransitRead.model_validate(transit, from_attributes=True)


def counts(
    uow: UnitOfWork,
    corridor: Corridor,
    period: Period,
    *,
    post: str | None = None,
    now: dt.datetime | None = None,
) -> dict[TransitState, int]:
    """How many transits in each state: no plates, for observers."""
    return tally(uow, corridor, period, post=post, now=now).counts


def repeated_movements(
    uow: UnitOfWork,
    period: Period,
    *,
    post: str | None = None,
    corridor: str | None = None,
    min_crossings: int = 4,
    window_hours: int = 168,
) -> list[RepeatedRead]:
    """Vehicles with ``min_crossings`` or more crossings within ``window_hours`` in the period.

    At one post, or at either end of a corridor (every decision counts: a refused crossing
    is a movement too). Listed with the crossings that make it up.
    """
    post, corridor = post or None, corridor or None  # an empty form field is no choice
    if (post is None) == (corridor is None):
        raise invalid("post", "give either a post or a corridor")
    if min_crossings < 2:
        raise invalid("min_crossings", "must be 2 or more")
    if not 1 <= window_hours <= 8760:
        raise invalid("window_hours", "must be between 1 and 8760")
    if corridor is not None:
        found = get_corridor(uow, corridor)
        post_ids = [found.post_a_id, found.post_b_id]
    else:
        assert post is not None
        one = posts_repository.post_by_code(uow.session, post)
        if one is None:
            raise invalid("post", Message("no post with code {code!r}", code=post))
        post_ids = [one.id]
    since, until = period.bounds
    rows = repository.vehicle_crossings(uow.session, post_ids, since, until, admitted_only=False)
    moves, vehicles = _movements(rows)
    moves = [m for m in moves if since <= m.time < until]
    out = []
    for vehicle_id, run in repeated(moves, min_crossings, dt.timedelta(hours=window_hours)):
        vehicle = vehicles[vehicle_id]
        refs = [r for r in map(_ref, run) if r is not None]
        out.append(RepeatedRead(plate=vehicle.plate, country=vehicle.country, crossings=refs))
    out.sort(key=lambda r: (-len(r.crossings), r.plate))
    return out
