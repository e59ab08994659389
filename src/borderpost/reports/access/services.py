"""The access report: hours open, closures, refusals and waiting times, per post and day.

Days are the post's own local days, inclusive at both ends, as in the summary report.
Aggregates only: closures carry their reason and authority, never who recorded them.

- **Hours scheduled**: the post's opening hours on each local day (``posts/hours.py``).
- **Hours closed**: scheduled hours covered by a closure; **hours open** = scheduled - closed.
  A closure's own duration (``closure_hours``) is counted whole, clipped to the period, in or
  out of opening hours; an open-ended closure counts up to the end of the period.
- **Refusal classes**, from the flags recording stores, first that applies: ``closed_post``
  (``post_closed``), ``cargo_prohibited`` (``cargo_prohibited``), ``documents``
  (``document_expired``), else ``screening_or_other`` (a watchlist hit, or the officer's own
  reasons, which are free text and not classified).
- **Waiting time**: crossing time minus arrival time (``arrived_at``), whole seconds, for the
  crossings that have one; median and 90th percentile are nearest-rank (the value at rank
  ceil(p * n) of the day's sorted waits; for an even count the median is the lower middle).
  Crossings without an arrival time are counted as ``unknown``, never as a zero wait. A
  post's days are counted and ranked in one scan of its crossings of the period: with
  ``percentile_disc`` on PostgreSQL (nearest-rank by definition); on SQLite, which has no
  percentile, each day's waits counted by value in the database and ranked here. Exact on
  both; the work grows with the crossings of the period asked, not with the history.
- **Kept days** (``access_days``, ``reports.model.AccessDay``): a post's figures of a local
  day that has ended (counts, refusals by class, median and 90th percentile) are stored the
  first time the report reads them, and read from there afterwards: a year of every post is
  7,300 rows instead of its crossings. Triggers on ``crossings`` (migration 0265) delete a
  post's kept day when a crossing of it is inserted, deleted, or changed in a column read here
  (a late arrival from the network, a correction), so a kept day answers what deriving it
  answers. A day is stored only from a read no uncommitted crossing could miss: on PostgreSQL
  the post's advisory lock (the triggers take it shared) taken exclusively, without waiting;
  on SQLite the write lock, without waiting; when either is busy the report derives the days
  and stores nothing (as it does in a session bound to a connection rather than an engine:
  the tests' rolled-back one). A row whose bounds are not the post's local day (its time
  zone changed) is read again. Hours scheduled and closed are computed here at every read
  (closures and opening hours are few): ``hours.scheduled_days`` and ``hours.closed_by_day``.
  Kept rows stay when a month of crossings is detached (no trigger fires): see
  docs/operations.md, archiving an old month.
- **Cases** (``cases.figures``): received and decided in the period, overdue at its end, and
  the days from receipt to decision (median, 90th percentile), by post and kind: the figures
  an observer recounts from the case leaves.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    Date,
    DateTime,
    Engine,
    Integer,
    String,
    Table,
    case,
    delete,
    func,
    insert,
    literal,
    literal_column,
    null,
    select,
    text,
    type_coerce,
)
from sqlalchemy import (
    cast as sql_cast,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from borderpost import clock
from borderpost.cases.figures import case_figures
from borderpost.cases.services import case_facts
from borderpost.crossings.model import Crossing
from borderpost.db import SQLITE_BUSY_MS, UTCDateTime
from borderpost.errors import invalid
from borderpost.messages import Message
from borderpost.posts import hours
from borderpost.posts import repository as posts_repository
from borderpost.posts.model import Closure, Post
from borderpost.posts.services import get_post
from borderpost.reports.daily import MAX_DAYS
from borderpost.reports.model import AccessDay
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Decision

REFUSAL_CLASSES = ("closed_post", "cargo_prohibited", "documents", "screening_or_other")
_FLAG_OF_CLASS = (
    ("closed_post", "post_closed"),
    ("cargo_prohibited", "cargo_prohibited"),
    ("documents", "document_expired"),
)
_CROSSINGS = cast(Table, Crossing.__table__)
_ACCESS_DAYS = cast(Table, AccessDay.__table__)


class _WaitedSeconds(FunctionElement[int]):
    """Whole seconds from ``arrived_at`` to ``time``, in each database's own arithmetic."""

    type = Integer()
    inherit_cache = True


@compiles(_WaitedSeconds, "sqlite")
def _waited_sqlite(element: _WaitedSeconds, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(round((julianday({later}) - julianday({earlier})) * 86400.0) AS INTEGER)"


@compiles(_WaitedSeconds, "postgresql")
def _waited_postgres(element: _WaitedSeconds, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(round(extract(epoch FROM ({later} - {earlier}))) AS INTEGER)"


def _hours(delta: dt.timedelta) -> float:
    return round(delta.total_seconds() / 3600, 2)


def _local_day(session: Session, post: Post, start: dt.datetime, end: dt.datetime) -> Any:
    """The crossing's local day as an SQL expression: its time plus the offset in force.

    A post's offset changes a few times a year at most, so a CASE on those instants is
    exact and lets one indexed range scan group by local day in both databases.
    """
    time = _CROSSINGS.c.time
    postgres = session.get_bind().dialect.name == "postgresql"

    def shifted(minutes: int) -> Any:
        if postgres:  # a date: sorted and grouped cheaper than text
            local = func.timezone("UTC", time) + func.make_interval(0, 0, 0, 0, 0, minutes)
            return sql_cast(local, Date())
        return func.date(time, f"{minutes:+d} minutes")

    spans = hours.offsets(post.zone, start, end)
    if len(spans) == 1:
        return shifted(spans[0][1])
    whens = [(time < literal(until, UTCDateTime()), shifted(m)) for until, m in spans[:-1]]
    return case(*whens, else_=shifted(spans[-1][1]))


_NO_WAIT: dict[str, int | None] = {"median_seconds": None, "p90_seconds": None}


def _days(
    session: Session, post: Post, start: dt.datetime, end: dt.datetime
) -> tuple[dict[str, tuple[int, int, int]], dict[str, dict[str, int | None]]]:
    """Per local day: (crossings, refused, with an arrival time), and the nearest-rank median
    and 90th percentile of the waits; in one scan of the post's crossings of the period."""
    c = _CROSSINGS.c
    day = _local_day(session, post, start, end).label("day")
    waited = _WaitedSeconds(c.time, c.arrived_at)
    refused = case((c.decision == Decision.REFUSED.value, 1), else_=0)
    wanted = (c.post_id == post.id, c.time >= start, c.time < end)
    counts: dict[str, tuple[int, int, int]] = {}
    waits: dict[str, dict[str, int | None]] = {}
    if session.get_bind().dialect.name == "postgresql":
        # Ordered-set aggregates: each day's waits sorted once, within the group-by (a
        # crossing without an arrival time has no wait, and is left out of both).
        # percentile_disc(p) is the value at rank ceil(p * n), nearest-rank as documented;
        # p * n is computed in floating point, and 0.5 * n and 0.9 * n come out exact
        # whenever the product is whole (checked for every n below 10^7).
        rows = session.execute(
            select(
                day,
                func.count(),
                func.sum(refused),
                func.count(c.arrived_at),
                func.percentile_disc(0.5).within_group(waited),
                func.percentile_disc(0.9).within_group(waited),
            )
            .where(*wanted)
            .group_by(day)
        )
        for d, n, refusals, with_arrival, median, p90 in rows:
            counts[str(d)] = (int(n), int(refusals or 0), int(with_arrival))
            if with_arrival:
                waits[str(d)] = {"median_seconds": int(median), "p90_seconds": int(p90)}
        return counts, waits
    # SQLite has no percentile: the waits counted by value within each day (a day's waits
    # repeat), then ranked here.
    wait = case((c.arrived_at.is_not(None), waited), else_=null())
    by_value = select(day, wait.label("wait"), refused.label("refused")).where(*wanted).subquery()
    rows = session.execute(
        select(by_value.c.day, by_value.c.wait, func.count(), func.sum(by_value.c.refused))
        .group_by(by_value.c.day, by_value.c.wait)
        .order_by(by_value.c.day, by_value.c.wait)
    )
    for d, group in itertools.groupby(rows, key=lambda r: str(r[0])):
        values = list(group)
        n = sum(int(r[2]) for r in values)
        known_values = [(int(r[1]), int(r[2])) for r in values if r[1] is not None]
        with_arrival = sum(k for _w, k in known_values)
        counts[d] = (n, sum(int(r[3] or 0) for r in values), with_arrival)
        if with_arrival:
            waits[d] = {
                "median_seconds": _ranked(known_values, (with_arrival + 1) // 2),
                "p90_seconds": _ranked(known_values, (with_arrival * 9 + 9) // 10),
            }
    return counts, waits


def _ranked(values: list[tuple[int, int]], rank: int) -> int:
    """The value at ``rank`` (from 1) of sorted (value, how many) pairs."""
    seen = 0
    for value, many in values:
        seen += many
        if seen >= rank:
            return value
    raise ValueError(rank)


def _refusals(
    session: Session, post: Post, start: dt.datetime, end: dt.datetime
) -> dict[str, tuple[int, ...]]:
    """Refusals by class per local day (in REFUSAL_CLASSES' order); the flags column is JSON
    text, matched as text in both databases."""
    c = _CROSSINGS.c
    flags_text = sql_cast(c.flags, String())
    klass = case(
        *((flags_text.like(f'%"{flag}"%'), literal(name)) for name, flag in _FLAG_OF_CLASS),
        else_=literal("screening_or_other"),
    )
    day = _local_day(session, post, start, end)
    rows = session.execute(
        select(day, klass, func.count())
        .where(
            c.post_id == post.id,
            # Written out, so that the planner matches ix_crossings_refused's condition.
            c.decision == literal_column(f"'{Decision.REFUSED.value}'"),
            c.time >= start,
            c.time < end,
        )
        .group_by(day, klass)
    )
    out: dict[str, list[int]] = {}
    for d, name, n in rows:
        out.setdefault(str(d), [0] * len(REFUSAL_CLASSES))[REFUSAL_CLASSES.index(name)] += int(n)
    return {d: tuple(classes) for d, classes in out.items()}


@dataclass(frozen=True, slots=True)
class _Day:
    """A post's figures of one local day, derived from its crossings or kept (AccessDay)."""

    crossings: int = 0
    refused: int = 0
    known: int = 0
    median: int | None = None
    p90: int | None = None
    classes: tuple[int, ...] = (0,) * len(REFUSAL_CLASSES)


_NOTHING = _Day()


def _derive(session: Session, post: Post, start: dt.datetime, end: dt.datetime) -> dict[str, _Day]:
    """Each local day's figures in [start, end), from the crossings: a scan for the counts
    and waits, and one of the refused crossings for their classes."""
    counts, waits = _days(session, post, start, end)
    classes = _refusals(session, post, start, end)
    out: dict[str, _Day] = {}
    for d, (n, refused, known) in counts.items():
        wait = waits.get(d, _NO_WAIT)
        out[d] = _Day(
            n, refused, known, wait["median_seconds"], wait["p90_seconds"],
            classes.get(d, _NOTHING.classes),
        )  # fmt: skip
    return out


# The advisory lock the triggers of migration 0265 take shared: a class of its own ("BPAD"),
# apart from the single-writer jobs' (held for hours) and the daily counts'.
_LOCK_CLASS = 0x42504144


def _store(
    session: Session,
    post: Post,
    ended: list[tuple[dt.date, dt.datetime, dt.datetime]],
    start: dt.datetime,
    end: dt.datetime,
) -> dict[str, _Day] | None:
    """The days of [start, end) derived in a transaction of its own, the ended ones among
    them stored (AccessDay); None, storing nothing, when a write of the post's crossings is
    under way (the caller derives them itself).

    Stored only from a read no crossing being written can miss: on PostgreSQL the post's
    advisory lock, which the triggers take shared, taken here exclusively without waiting;
    on SQLite the database's write lock, taken first (by deleting what is replaced) without
    waiting.
    """
    bind = session.get_bind()
    if not isinstance(bind, Engine):
        return None
    postgres = bind.dialect.name == "postgresql"
    with bind.connect() as connection:
        if not postgres:  # no waiting for a writer
            connection.exec_driver_sql("PRAGMA busy_timeout = 0")
            connection.commit()
        try:
            with connection.begin(), Session(bind=connection) as own:
                if postgres:
                    # In one round trip: the lock, a year of a post's waits sorted in memory
                    # rather than in files (the default 4 MB spills 50,000 crossings to disk),
                    # and a commit that does not wait for the disk (what is stored here can
                    # be derived again: a crash that loses it loses nothing).
                    held = connection.execute(
                        text(
                            "SELECT pg_try_advisory_xact_lock(:cls, hashtext(:key)), "
                            "set_config('work_mem', '64MB', true), "
                            "set_config('synchronous_commit', 'off', true)"
                        ),
                        {"cls": _LOCK_CLASS, "key": f"access_days:{post.id}"},
                    ).scalar()
                    if not held:
                        return None
                a = _ACCESS_DAYS.c
                # What another read stored since, or rows of bounds no longer the post's; on
                # SQLite, first: it takes the write lock.
                connection.execute(
                    delete(_ACCESS_DAYS).where(
                        a.post_id == post.id, a.day.in_([day for day, _s, _u in ended])
                    )
                )
                derived = _derive(own, post, start, end)
                rows = []
                for day, since, until in ended:
                    d = derived.get(day.isoformat(), _NOTHING)
                    rows.append(
                        {
                            "post_id": post.id, "day": day, "since": since, "until": until,
                            "crossings": d.crossings, "refused": d.refused,
                            "waits_known": d.known, "median_seconds": d.median,
                            "p90_seconds": d.p90,
                            **dict(zip(REFUSAL_CLASSES, d.classes, strict=True)),
                        }
                    )  # fmt: skip
                connection.execute(insert(_ACCESS_DAYS), rows)
        except OperationalError:  # SQLite: another connection is writing (the caller derives)
            return None
        finally:
            if not postgres:
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
                connection.commit()
    return derived


def _figures(
    uow: UnitOfWork, post: Post, bounds: list[tuple[dt.date, dt.datetime, dt.datetime]]
) -> dict[dt.date, _Day]:
    """Each day's figures: kept ones read, the rest derived (and kept if ended)."""
    a = _ACCESS_DAYS.c
    # The bounds as the driver gives them (naive UTC on SQLite), compared as such: converting
    # two datetimes a kept day into aware UTC would cost more than the rest of the read.
    raw = DateTime(timezone=True)
    naive = uow.session.get_bind().dialect.name == "sqlite"
    kept = {
        row.day: row
        for row in uow.session.execute(
            select(
                a.day,
                type_coerce(a.since, raw).label("since"),
                type_coerce(a.until, raw).label("until"),
                *(c for c in _ACCESS_DAYS.c if c.name not in ("post_id", "day", "since", "until")),
            ).where(a.post_id == post.id, a.day >= bounds[0][0], a.day <= bounds[-1][0])
        )
    }
    out: dict[dt.date, _Day] = {}
    missing = []
    for day, since, until in bounds:
        row = kept.get(day)
        if row is not None and (
            (row.since, row.until)
            == (
                (since.replace(tzinfo=None), until.replace(tzinfo=None))
                if naive
                else (since, until)
            )
        ):
            classes = tuple(int(getattr(row, name)) for name in REFUSAL_CLASSES)
            out[day] = _Day(
                row.crossings, row.refused, row.waits_known, row.median_seconds,
                row.p90_seconds, classes,
            )  # fmt: skip
        else:
            missing.append((day, since, until))
    if not missing:
        return out
    start, end = missing[0][1], missing[-1][2]
    now = clock.now()
    ended = [m for m in missing if m[2] <= now]
    derived = _store(uow.session, post, ended, start, end) if ended else None
    if derived is None:
        derived = _derive(uow.session, post, start, end)
    for day, _since, _until in missing:
        out[day] = derived.get(day.isoformat(), _NOTHING)
    return out


def _closures(uow: UnitOfWork, post: Post, start: dt.datetime, end: dt.datetime) -> list[Closure]:
    return posts_repository.closures_overlapping(uow.session, post, start, end)


def post_access(uow: UnitOfWork, post: Post, first: dt.date, last: dt.date) -> dict[str, Any]:
    """The access report of one post over ``first``..``last`` (local days, inclusive)."""
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    start, end = post.local_day_bounds(first, last)
    closures = sorted(_closures(uow, post, start, end), key=lambda x: x.starts_at)
    spans = [(max(x.starts_at, start), min(x.ends_at or end, end)) for x in closures]
    schedule = hours.scheduled_days(post.opening_hours, first, last, post.zone)
    closed_of_day = hours.closed_by_day(schedule, spans)
    # Each local day's bounds: the round-the-clock schedule of the post's zone.
    bounds = [
        (day, *whole[0])
        for day, whole in zip(days, hours.scheduled_days({}, first, last, post.zone), strict=True)
    ]
    figures = _figures(uow, post, bounds)
    out_days: list[dict[str, Any]] = []
    scheduled_total = closed_total = dt.timedelta()
    classes = [0] * len(REFUSAL_CLASSES)
    for day, scheduled, closed in zip(days, schedule, closed_of_day, strict=True):
        length = hours.length(scheduled)
        scheduled_total += length
        closed_total += closed
        f = figures[day]
        classes = [x + y for x, y in zip(classes, f.classes, strict=True)]
        out_days.append(
            {
                "day": day.isoformat(),
                "hours_scheduled": _hours(length),
                "hours_open": _hours(length - closed),
                "hours_closed": _hours(closed),
                "crossings": f.crossings,
                "refused": f.refused,
                "waiting": {
                    "known": f.known,
                    "unknown": f.crossings - f.known,
                    "median_seconds": f.median,
                    "p90_seconds": f.p90,
                },
            }
        )
    crossings = sum(d["crossings"] for d in out_days)
    refused = sum(d["refused"] for d in out_days)
    known = sum(d["waiting"]["known"] for d in out_days)
    return {
        "post": post.code,
        "timezone": post.timezone,
        "hours_scheduled": _hours(scheduled_total),
        "hours_open": _hours(scheduled_total - closed_total),
        "hours_closed": _hours(closed_total),
        "closures_count": len(closures),
        "closure_hours": _hours(hours.length(spans)),
        "closures": [
            {
                "starts_at": x.starts_at.isoformat(),
                "ends_at": x.ends_at.isoformat() if x.ends_at else None,
                "reason": x.reason,
                "authority": x.authority,
                "hours_in_period": _hours(lo_hi[1] - lo_hi[0]),
            }
            for x, lo_hi in zip(closures, spans, strict=True)
        ],
        "crossings": crossings,
        "refused": refused,
        "refusal_share": round(refused / crossings, 4) if crossings else None,
        "refusals_by_class": dict(zip(REFUSAL_CLASSES, classes, strict=True)),
        "waiting": {"known": known, "unknown": crossings - known},
        "days": out_days,
    }


def access(
    uow: UnitOfWork, first: dt.date, last: dt.date, post_code: str | None = None
) -> dict[str, Any]:
    """The access report of one post, or of every post with network totals."""
    if last < first:
        raise invalid("to", "must not be before from")
    if (last - first).days >= MAX_DAYS:
        raise invalid("from", Message("the range is limited to {days} days", days=MAX_DAYS))
    posts = [get_post(uow, post_code)] if post_code else posts_repository.all_posts(uow.session)
    by_post = [post_access(uow, post, first, last) for post in posts]
    crossings = sum(p["crossings"] for p in by_post)
    refused = sum(p["refused"] for p in by_post)
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "posts": [p.code for p in posts],
        "network": {
            "hours_scheduled": round(sum(p["hours_scheduled"] for p in by_post), 2),
            "hours_open": round(sum(p["hours_open"] for p in by_post), 2),
            "hours_closed": round(sum(p["hours_closed"] for p in by_post), 2),
            "closures_count": sum(p["closures_count"] for p in by_post),
            "closure_hours": round(sum(p["closure_hours"] for p in by_post), 2),
            "crossings": crossings,
            "refused": refused,
            "refusal_share": round(refused / crossings, 4) if crossings else None,
            "refusals_by_class": {
                k: sum(p["refusals_by_class"][k] for p in by_post) for k in REFUSAL_CLASSES
            },
            "waiting": {
                "known": sum(p["waiting"]["known"] for p in by_post),
                "unknown": sum(p["waiting"]["unknown"] for p in by_post),
            },
        },
        "by_post": by_post,
        # Cases received, decided and overdue by post and kind; days to a decision.
        "cases": case_figures(case_facts(uow.session, posts, first, last), first, last),
    }
