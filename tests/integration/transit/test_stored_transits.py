"""Stored transits give the answers of pairing every crossing at reading time.

Crossings of a few vehicles at a corridor's two ends and at a third post, recorded in any
order through the booth's path (``record_crossing``) and as replicas ingested from the
network (``sync.apply.apply_event``), alone or several to a transaction, before and after the
corridor is made, then corrected; the corridor's stored transits are compared with the
derivation the pages used before (``pairing.pair`` over the period's crossings), for several
periods, posts and moments of reading, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import uuid
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, vehicle_crossing

from borderpost.crossings.corrections import correct_crossing
from borderpost.crossings.model import Crossing
from borderpost.crossings.recording import record_crossing
from borderpost.crossings.schemas import CrossingCorrection
from borderpost.ids import new_id
from borderpost.sync.apply import apply_event
from borderpost.sync.events import Event
from borderpost.sync.inbox import apply_batch
from borderpost.transit import repository, services
from borderpost.transit.model import Corridor
from borderpost.transit.pairing import Movement, TransitState, pair
from borderpost.transit.schemas import CorridorCreate
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Decision

Factory = sessionmaker[Session]
T0 = dt.datetime(2026, 3, 10, 8, tzinfo=dt.UTC)
_codes = itertools.count(1)

_crossing = st.fixed_dictionaries(
    {
        "vehicle": st.integers(0, 2),
        "post": st.sampled_from([0, 0, 1, 1, 2]),  # A and B are the ends; C is not
        "direction": st.sampled_from(["in", "out"]),
        "hour": st.integers(0, 120),  # equal times happen: pairing orders them by id
        "category": st.sampled_from(["commercial", "humanitarian", "official"]),
        "admitted": st.sampled_from([True, True, True, False]),
        "network": st.booleans(),  # a replica ingested from a post, or recorded here
    }
)


def _ref(move: Any) -> tuple[Any, ...] | None:
    if move is None:
        return None
    return (move.crossing_id, move.post, move.direction, move.time, move.category)


def _derived(
    uow: UnitOfWork,
    corridor: Corridor,
    period: services.Period,
    post: str | None,
    now: dt.datetime,
) -> list[tuple[Any, ...]]:
    """The transits as the pages derived them at every reading before they were stored."""
    since, until = period.bounds
    rows = repository.vehicle_crossings(
        uow.session,
        [corridor.post_a_id, corridor.post_b_id],
        since,
        until,
        admitted_only=True,
        categories=corridor.categories,
    )
    moves = [Movement(r.id, r.vehicle_id, r.post, r.direction, r.time, r.category) for r in rows]
    vehicles = {r.vehicle_id: r for r in rows}
    found = [
        t
        for t in pair(moves, corridor.deadline_for, now)
        if since <= t.time < until and (not post or t.touches(post))
    ]
    found.sort(key=lambda t: t.time, reverse=True)
    found.sort(key=lambda t: services.STATE_ORDER.index(t.state))
    out = []
    for t in found:
        duration = t.duration
        first = t.entry or t.exit
        assert first is not None
        out.append(
            (
                t.state,
                vehicles[t.vehicle_id].plate,
                vehicles[t.vehicle_id].vehicle_type,
                first.category,
                *map(_ref, (t.entry, t.exit)),
                t.deadline_at,
                # A crossing out at the minute it came in took 0 hours (the derivation said none).
                round(duration.total_seconds() / 3600, 2) if duration is not None else None,
            )
        )
    return out


def _row(t: services.TransitView) -> tuple[Any, ...]:
    return (
        t.state,
        t.plate,
        t.vehicle_type,
        t.category,
        *map(_ref, (t.entry, t.exit)),
        t.deadline_at,
        t.duration_hours,
    )


def _stored(
    uow: UnitOfWork,
    corridor: Corridor,
    period: services.Period,
    post: str | None,
    now: dt.datetime,
) -> list[tuple[Any, ...]]:
    return [_row(t) for t in services.transits(uow, corridor, period, post=post, now=now)]


def _payload(data: dict[str, Any], crossing_id: uuid.UUID, vehicle_id: uuid.UUID) -> str:
    """A crossing as a post ships it: the command, the post's decision and its vehicle row."""
    vehicle = data["vehicle"]
    plate_key = vehicle["plate"].replace("-", "")
    return json.dumps(
        {
            **data,
            "id": str(crossing_id),
            "officer": "officer.post",
            "recorded_at": data["time"],
            "flags": [],
            "stored": {
                "vehicle": {"id": str(vehicle_id), "plate_key": plate_key, **vehicle},
            },
        }
    )


@settings(
    max_examples=30,
    # No shrinking: each example writes a database's worth of rows, so shrinking a failure
    # took over five minutes; the failing example is printed as generated.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    crossings=st.lists(_crossing, min_size=1, max_size=14),
    order=st.randoms(use_true_random=False),
    corridor_after=st.integers(0, 14),
    batch=st.integers(1, 4),
    categories=st.sampled_from([[], ["commercial", "humanitarian"]]),
    corrected=st.lists(st.integers(0, 13), max_size=3),
)
def test_stored_transits_are_the_derived_ones(
    session_factory: Factory,
    crossings: list[dict[str, Any]],
    order: Any,
    corridor_after: int,
    batch: int,
    categories: list[str],
    corrected: list[int],
) -> None:
    n = next(_codes)
    posts = [f"A{n}", f"B{n}", f"C{n}"]
    plates = [f"10-Q{n % 100:02d}-{v:03d}" for v in range(3)]
    vehicle_ids = [new_id() for _ in plates]
    with UnitOfWork(session_factory, actor="admin.test") as uow:
        for code in posts:
            make_post(uow, code)
        uow.commit()

    def add_corridor() -> None:
        with UnitOfWork(session_factory, actor="admin.test") as uow:
            services.add_corridor(
                uow,
                CorridorCreate(
                    code=f"K{n}",
                    name="K",
                    post_a=posts[0],
                    post_b=posts[1],
                    deadline_hours=24,
                    deadlines={"humanitarian": 12},
                    categories=categories,
                ),
            )
            uow.commit()

    arrivals = list(range(len(crossings)))
    order.shuffle(arrivals)  # late and out-of-order arrivals
    recorded: list[tuple[uuid.UUID, bool]] = []
    made = False
    for start in range(0, len(arrivals), batch):
        if not made and corridor_after < start + batch:
            add_corridor()
            made = True
        shipped: list[Event] = []  # the chunk's replicas, ingested as one batch after
        with UnitOfWork(session_factory, actor="officer.test") as uow:
            for index in arrivals[start : start + batch]:
                c = crossings[index]
                when = (T0 + dt.timedelta(hours=c["hour"])).isoformat()
                truck = {"plate": plates[c["vehicle"]], "country": "AZE", "type": "truck"}
                refused = {} if c["admitted"] else {"decision": "refused", "reasons": ["check"]}
                data = vehicle_crossing(
                    posts[c["post"]],
                    when,
                    direction=c["direction"],
                    vehicle=truck,
                    category=c["category"],
                    **refused,
                )
                crossing_id = new_id()
                if c["network"]:
                    body = _payload(data, crossing_id, vehicle_ids[c["vehicle"]])
                    shipped.append(Event(new_id(), data["post"], "crossing.recorded", body))
                else:
                    record_crossing(uow, command({**data, "id": str(crossing_id)}))
                recorded.append((crossing_id, c["network"]))
            uow.commit()
        if shipped:  # headquarters' ingest: one transaction for the batch, rows written late
            assert apply_batch(session_factory, shipped) == ["created"] * len(shipped)
    if not made:
        add_corridor()
    # Corrections: a replica's decision changed at its post (received), another's here.
    for index in corrected:
        if index >= len(recorded):
            continue
        with UnitOfWork(session_factory, actor="supervisor.test") as uow:
            crossing_id, network = recorded[index]
            was = uow.session.get(Crossing, crossing_id)
            assert was is not None
            admitted = was.decision == Decision.ADMITTED.value
            decision = Decision.REFUSED if admitted else Decision.ADMITTED
            if network:
                changes = {"decision": decision.value, "reasons": ["corrected"]}
                body = json.dumps({"crossing": str(crossing_id), "changes": changes})
                apply_event(uow, Event(new_id(), posts[0], "crossing.corrected", body))
            else:
                fix = CrossingCorrection(decision=decision, reasons=["corrected"], reason="fix")
                correct_crossing(uow, crossing_id, fix)
            uow.commit()

    with UnitOfWork(session_factory) as uow:
        corridor = services.get_corridor(uow, f"K{n}")
        for first, last in ((-10, 10), (0, 2), (2, 4), (3, 3)):
            period = services.Period(
                T0.date() + dt.timedelta(days=first), T0.date() + dt.timedelta(days=last)
            )
            for post in (None, posts[0], posts[1]):
                for hours in (30, 80, 400):
                    now = T0 + dt.timedelta(hours=hours)
                    expected = _derived(uow, corridor, period, post, now)
                    assert _stored(uow, corridor, period, post, now) == expected
                    _check_tally_and_pages(uow, corridor, period, post, now, expected)


def _share_bin(t: tuple[Any, ...]) -> int | None:
    """The chart's bin of a derived transit, as the page computed it in Python before."""
    state, *_, entry, exit_, deadline, _hours = t
    if state not in {TransitState.COMPLETED, TransitState.COMPLETED_LATE}:
        return None
    allowed = (deadline - entry[3]).total_seconds()
    share = (exit_[3] - entry[3]).total_seconds() / allowed
    edges = [q / 4 for q in services.QUARTERS]
    return next((i for i, edge in enumerate(edges) if share <= edge), len(edges))


def _check_tally_and_pages(
    uow: UnitOfWork,
    corridor: Corridor,
    period: services.Period,
    post: str | None,
    now: dt.datetime,
    expected: list[tuple[Any, ...]],
) -> None:
    """The database's counts are the rows counted; the pages give every row once, in order."""
    tally = services.tally(uow, corridor, period, post=post, now=now)
    states = Counter(t[0] for t in expected)
    assert tally.counts == {s: states.get(s, 0) for s in services.STATE_ORDER}
    bins = Counter(b for b in map(_share_bin, expected) if b is not None)
    assert tally.durations == [bins.get(i, 0) for i in range(len(services.QUARTERS) + 1)]
    for state in (None, TransitState.OVERDUE, TransitState.COMPLETED):
        wanted = [t for t in expected if state is None or t[0] is state]
        assert tally.total(state) == len(wanted)
        for size in (1, 3) if state is None else (2,):
            pages = [
                services.page(
                    uow, corridor, period, post=post, state=state, now=now, offset=at, limit=size
                )
                for at in range(0, len(wanted) + size, size)
            ]
            assert all(len(p) == size for p in pages[: len(wanted) // size])
            assert [_row(t) for p in pages for t in p] == wanted
