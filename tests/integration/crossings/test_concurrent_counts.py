"""Writers of crossings at once on PostgreSQL: no deadlock on the daily counts, and exact counts.

The daily-count trigger upserts one row of ``crossing_counts_daily`` per crossing (post, UTC
day and shape). Two transactions that upsert the same counter rows in opposite orders each
hold one row the other waits for: PostgreSQL ends one of them with "deadlock detected", and
that transaction's crossings are lost. Each test here makes such transactions overlap on a
database of its own (real transactions; the shared test database runs every test inside one)
and expects every transaction committed and the counters equal to a count of the crossings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, insert, text
from tests.factories import command, make_post, person_crossing

from borderpost import migrate
from borderpost.crossings import counts
from borderpost.crossings.corrections import correct_crossing
from borderpost.crossings.model import Crossing
from borderpost.crossings.schemas import CrossingCorrection
from borderpost.crossings.services import record_crossing
from borderpost.db import make_engine, make_session_factory, write_deferred
from borderpost.ids import new_id
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Direction

pytestmark = pytest.mark.postgres

CEILING = 60.0  # seconds: what a wait may take at most before the test fails
ROUNDS = 8


@pytest.fixture
def engine(empty_pg_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_pg_url, pool_size=8)
    migrate.upgrade(engine)
    with UnitOfWork(make_session_factory(engine), actor="test") as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        uow.commit()
    yield engine
    engine.dispose()


def _keys(post: str, n: int = 12) -> list[dict[str, str]]:
    """Crossings of ``n`` different counter rows at ``post`` (UTC day and direction vary)."""
    day = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)
    return [
        person_crossing(
            post,
            time=(day + dt.timedelta(days=i // 2)).isoformat(),
            direction=("in", "out")[i % 2],
        )
        for i in range(n)
    ]


def _record(uow: UnitOfWork, crossings: list[dict[str, str]]) -> None:
    for data in crossings:
        record_crossing(uow, command({**data, "traveller": person_crossing()["traveller"]}))


def _run(
    targets: list[Callable[[], None]], on_error: Callable[[], None] | None = None
) -> list[BaseException]:
    """Run each target in a thread of its own; the errors they raised (each calls
    ``on_error``, so that the others stop instead of waiting for the one that failed)."""
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> None:
        try:
            target()
        except BaseException as exc:
            errors.append(exc)
            if on_error is not None:
                on_error()

    threads = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(CEILING)
        assert not thread.is_alive(), "a writer is still waiting"
    return errors


_STORED = text(
    "SELECT post_id, kind, category, direction, decision, day, organisation_type, n "
    "FROM crossing_counts_daily WHERE n <> 0"
)
_COUNTED = text(
    "SELECT post_id, kind, category, direction, decision, "
    "date_trunc('day', time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', "
    "coalesce(organisation_type, 'none'), count(*) FROM crossings GROUP BY 1, 2, 3, 4, 5, 6, 7"
)
Counts = dict[tuple[object, ...], int]


def _counts_match(engine: Engine) -> tuple[Counts, Counts]:
    """The counters as stored, and as counted from the crossings."""
    with engine.connect() as conn:
        stored = {tuple(row[:-1]): row[-1] for row in conn.execute(_STORED)}
        counted = {tuple(row[:-1]): row[-1] for row in conn.execute(_COUNTED)}
    return stored, counted


def _wait_until(condition: Callable[[], bool]) -> None:
    """Wait for ``condition``, asking every 50 ms, for at most ``CEILING``."""
    pause = threading.Event()
    for _ in range(int(CEILING / 0.05)):
        if condition():
            return
        pause.wait(0.05)
    pytest.fail("waited too long")


def _waiting_on_a_lock(engine: Engine, pid: int) -> bool:
    with engine.connect() as conn:
        return bool(
            conn.execute(
                text("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = :pid"),
                {"pid": pid},
            ).scalar()
        )


@pytest.mark.parametrize("b_first", ["records", "corrects"])
def test_two_transactions_holding_counter_rows_in_opposite_orders(
    engine: Engine, b_first: str
) -> None:
    """Staged, not timed: A writes counter row 1; B writes row 2 (records a crossing of it, or
    corrects one from row 2 to row 1) or waits behind A; then A writes row 2 and commits, B
    records a crossing and commits. Before the counters were locked per post, B held row 2
    that A wanted and waited for row 1 (a correction) or wanted it next: a deadlock each time."""
    factory = make_session_factory(engine)
    one, two = _keys("P-A", 2)  # the same day, in and out
    with UnitOfWork(factory, actor="officer") as uow:
        corrected = record_crossing(uow, command(two)).crossing.id  # counted in row 2
        uow.commit()
    a_wrote, b_wrote, go = threading.Event(), threading.Event(), threading.Event()
    b_pid: list[int] = []

    def a() -> None:
        with UnitOfWork(factory, actor="officer") as uow:
            _record(uow, [one])
            write_deferred(uow.session)  # the row written now, as a read-back makes it
            a_wrote.set()
            assert go.wait(CEILING)
            _record(uow, [two])
            uow.commit()

    def b() -> None:
        with UnitOfWork(factory, actor="supervisor") as uow:
            pid = uow.session.connection().exec_driver_sql("SELECT pg_backend_pid()")
            b_pid.append(int(pid.scalar_one()))
            assert a_wrote.wait(CEILING)
            if b_first == "records":
                _record(uow, [two])
                write_deferred(uow.session)
            else:
                fix = CrossingCorrection(direction=Direction.IN, reason="wrong button")
                correct_crossing(uow, corrected, fix)
            b_wrote.set()
            assert go.wait(CEILING)
            _record(uow, [one])
            uow.commit()

    def controller() -> None:
        # B's first write has gone through, or B waits for a lock A holds: either way A may
        # go on (waiting for longer would wait for ever in the second case).
        assert a_wrote.wait(CEILING)
        _wait_until(
            lambda: b_wrote.is_set() or (bool(b_pid) and _waiting_on_a_lock(engine, b_pid[0]))
        )
        go.set()

    errors = _run([a, b, controller], go.set)
    assert not errors, errors
    stored, counted = _counts_match(engine)
    assert sum(counted.values()) == (5 if b_first == "records" else 4)
    assert stored == counted


_ADVISORY_HELD = text(
    "SELECT classid::bigint, objid::bigint FROM pg_locks "
    "WHERE locktype = 'advisory' AND objsubid = 2 AND pid = pg_backend_pid() "
    "AND classid = :cls"  # the daily counts' locks (the access days' triggers take others)
)


def test_the_trigger_and_the_commit_take_the_same_lock(engine: Engine) -> None:
    """The key the trigger computes in SQL is the one ``lock_posts`` computes in Python: the
    queued crossings of two posts take their locks in Python, a row of one of them inserted
    directly takes its lock in the trigger, and two locks are held."""
    factory = make_session_factory(engine)
    with UnitOfWork(factory, actor="officer") as uow:
        (one,), (other,) = _keys("P-A", 1), _keys("P-B", 1)
        record_crossing(uow, command(one))
        row = record_crossing(uow, command(other)).crossing
        uow.session.connection().execute(  # the queue written first, then this row
            insert(Crossing.__table__),
            {**dataclasses.asdict(row), "id": new_id(), "command_digest": None},
        )
        held = set(
            uow.session.connection().execute(_ADVISORY_HELD, {"cls": counts.LOCK_CLASS}).all()
        )
        posts = {r.post_id for r in uow.session.query(Crossing.post_id)}
    unsigned = {(counts.LOCK_CLASS, counts.post_lock_key(p) % 2**32) for p in posts}
    assert len(unsigned) == 2
    assert held == unsigned


def test_batches_at_one_post_in_different_orders(engine: Engine) -> None:
    """Four importers at one post, each a transaction of the same counter rows in its own
    order, released together at the commit, round after round."""
    factory = make_session_factory(engine)
    keys = _keys("P-A")
    clients = 4
    barrier = threading.Barrier(clients, timeout=CEILING)

    def importer(i: int) -> None:
        order = keys[3 * i :] + keys[: 3 * i]
        if i % 2:
            order.reverse()
        for _ in range(ROUNDS):
            with UnitOfWork(factory, actor="import") as uow:
                _record(uow, order)
                barrier.wait()
                uow.commit()

    errors = _run([lambda i=i: importer(i) for i in range(clients)], barrier.abort)
    assert not errors, errors
    stored, counted = _counts_match(engine)
    assert sum(counted.values()) == clients * ROUNDS * len(keys)
    assert stored == counted


def _gated_round(engine: Engine, gate: dict[str, str], orders: list[list[dict[str, str]]]) -> None:
    """A transaction holds ``gate``'s counter row; each importer of ``orders`` in turn commits
    and waits (for the row, or for a lock before it), then the holder commits."""
    factory = make_session_factory(engine)
    with UnitOfWork(factory, actor="officer") as holder:
        _record(holder, [gate])
        write_deferred(holder.session)
        pids: dict[int, int] = {}
        turns = [threading.Event() for _ in orders]

        def importer(i: int) -> None:
            with UnitOfWork(factory, actor="import") as uow:
                pid = uow.session.connection().exec_driver_sql("SELECT pg_backend_pid()")
                pids[i] = int(pid.scalar_one())
                _record(uow, orders[i])
                assert turns[i].wait(CEILING)
                uow.commit()

        def release() -> None:
            for i, turn in enumerate(turns):  # each waits in the queue before the next
                turn.set()
                _wait_until(lambda i=i: i in pids and _waiting_on_a_lock(engine, pids[i]))
            holder.commit()

        def stop() -> None:
            for turn in turns:
                turn.set()

        targets = [lambda i=i: importer(i) for i in range(len(orders))]
        errors = _run([*targets, release], stop)
        assert not errors, errors


def test_batches_across_two_posts_in_opposite_orders(engine: Engine) -> None:
    """One importer writes a crossing at post A, then at B; the other at B, then at A, each at
    its commit. Staged, not timed: a third transaction holds a counter row of post A that both
    write between their two posts; the first importer waits for it, then the second does,
    then it commits. Each then held the first post's row the other wanted next, before the
    posts' counters were locked, all of them at the commit and in one order."""
    a1, a2, gate = _keys("P-A", 3)
    (b1,) = _keys("P-B", 1)
    rounds = 3
    for _ in range(rounds):
        _gated_round(engine, gate, [[a1, gate, b1], [b1, gate, a2]])
    stored, counted = _counts_match(engine)
    assert sum(counted.values()) == rounds * 7
    assert stored == counted
