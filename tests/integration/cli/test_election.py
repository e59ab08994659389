"""Single-writer jobs: one holder per lock on SQLite (a flock) and PostgreSQL (an advisory lock);
a lock freed by its holder, or by the end of the holder's connection, is taken by another."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from borderpost.db import make_engine
from borderpost.election import ElectedJob, Lease, elected, exclusive, lock_key

CEILING = 30.0


def _backends(tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'x.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(tmp_path: Path, request: pytest.FixtureRequest) -> str:
    return _backends(tmp_path, request)


def test_one_holder_at_a_time_then_the_next(url: str, tmp_path: Path) -> None:
    first, second = Lease(url, tmp_path, "job-a"), Lease(url, tmp_path, "job-a")
    other = Lease(url, tmp_path, "job-b")
    assert first.try_acquire()
    assert not second.try_acquire()
    assert other.try_acquire()  # another job's lock is another lock
    assert first.still_held()
    first.release()
    assert second.try_acquire()
    second.release()
    other.release()


@pytest.mark.postgres
def test_a_holder_whose_connection_ends_loses_the_lock(pg_url: str, tmp_path: Path) -> None:
    holder, waiting = Lease(pg_url, tmp_path, "job-c"), Lease(pg_url, tmp_path, "job-c")
    assert holder.try_acquire()
    assert not waiting.try_acquire()
    engine = make_engine(pg_url)
    with engine.connect() as conn:  # as when the holder's process dies
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks "
                "WHERE locktype = 'advisory' AND objid::int = :key AND pid <> pg_backend_pid()"
            ),
            {"key": lock_key("job-c")},
        )
        conn.commit()
    engine.dispose()
    assert not holder.still_held()
    assert waiting.try_acquire()
    waiting.release()
    holder.release()


class _Job:
    def __init__(self, runs: list[str], name: str) -> None:
        self.runs, self.name = runs, name

    def start(self) -> None:
        self.runs.append(f"start {self.name}")

    def stop(self) -> None:
        self.runs.append(f"stop {self.name}")


def _wait(condition: object) -> None:
    deadline = time.monotonic() + CEILING
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "not within the ceiling"
        time.sleep(0.02)


def test_the_job_runs_in_one_place_and_moves_when_its_holder_closes(
    url: str, tmp_path: Path
) -> None:
    runs: list[str] = []
    one = elected(url, tmp_path, "job-d", lambda: _Job(runs, "one"), 0.05)
    two = elected(url, tmp_path, "job-d", lambda: _Job(runs, "two"), 0.05)
    try:
        assert runs == ["start one"]  # the first takes it at once, the second waits
        assert one.running
        assert not two.running
        one.close()
        _wait(lambda: two.running)
        assert runs == ["start one", "stop one", "start two"]
    finally:
        one.close()
        two.close()
    assert runs[-1] == "stop two"


def test_a_job_that_fails_to_start_is_tried_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    tries: list[int] = []
    started = threading.Event()

    def start() -> None:
        tries.append(1)
        if len(tries) < 3:
            raise RuntimeError("not yet")
        started.set()

    job = ElectedJob(Lease(url, tmp_path, "job-e"), start, lambda: None, 0.05)
    job.begin()
    try:
        assert started.wait(CEILING)
        assert job.running
    finally:
        job.close()


def test_exclusive_work_runs_one_block_at_a_time(url: str, tmp_path: Path) -> None:
    inside: list[str] = []
    entered = threading.Event()
    leave = threading.Event()

    def first() -> None:
        with exclusive(url, tmp_path, "work"):
            inside.append("first in")
            entered.set()
            leave.wait(CEILING)
            inside.append("first out")

    def second() -> None:
        with exclusive(url, tmp_path, "work"):
            inside.append("second in")

    one = threading.Thread(target=first)
    one.start()
    assert entered.wait(CEILING)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.3)  # it waits for the first block (a bound, not an assertion of timing)
    leave.set()
    one.join(CEILING)
    two.join(CEILING)
    assert inside == ["first in", "first out", "second in"]
