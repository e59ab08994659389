"""Two real server processes on one PostgreSQL database and one home.

Crossings are recorded through both; the ledger appender runs in the one process that holds
its lock, so the log has no gap and no duplicate index and verifies from either server. When
that process is killed with -9, the other takes the lock and appends what follows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from tests.factories import make_post, person_crossing
from tests.servers import Server, start_server
from tests.web_support import add_user, bearer

from borderpost.db import make_engine, make_session_factory
from borderpost.ledger.model import LedgerLeaf
from borderpost.migrate import upgrade
from borderpost.unit_of_work import UnitOfWork

pytestmark = pytest.mark.postgres

CEILING = 90.0  # seconds: a generous bound on a loaded 2-core machine, never an assertion


@pytest.fixture
def shared(empty_pg_url: str, tmp_path: Path) -> tuple[dict[str, str], str]:
    """A migrated PostgreSQL database with post P-A and an officer; the servers' environment."""
    engine = make_engine(empty_pg_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with UnitOfWork(factory, actor="test") as uow:
        make_post(uow, "P-A")
        uow.commit()
    token = add_user(factory, "officer1", "officer", ["P-A"])
    engine.dispose()
    env = {
        **os.environ,
        "BORDERPOST_HOME": str(tmp_path / "home"),
        "BORDERPOST_DATABASE_URL": empty_pg_url,
        "BORDERPOST_CHECKPOINT_INTERVAL_SECONDS": "0.3",
        "BORDERPOST_ELECTION_RETRY_SECONDS": "0.3",
        "BORDERPOST_LEDGER_DAILY_BULLETIN": "false",
    }
    return env, token


def _record(server: Server, token: str, n: int, minute: int) -> None:
    with httpx.Client(base_url=server.url, headers=bearer(token), timeout=30) as client:
        for i in range(n):
            when = f"2026-11-28T{8 + (minute + i) // 60:02d}:{(minute + i) % 60:02d}:00+04:00"
            response = client.post("/api/v1/crossings", json=person_crossing("P-A", when))
            assert response.status_code == 201, response.text


def _indexes(url: str) -> tuple[int, list[int | None]]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            rows = list(session.execute(select(LedgerLeaf.log_index)).scalars())
            total = session.execute(select(func.count()).select_from(LedgerLeaf)).scalar_one()
    finally:
        engine.dispose()
    return total, rows


def _wait_all_appended(url: str, expected: int) -> list[int]:
    deadline = time.monotonic() + CEILING
    while True:
        total, rows = _indexes(url)
        if total == expected and all(r is not None for r in rows):
            return sorted(r for r in rows if r is not None)
        if time.monotonic() > deadline:
            pytest.fail(f"{sum(r is not None for r in rows)} of {total} leaves appended")
        time.sleep(0.2)


def _wait_published(server: Server, size: int) -> None:
    deadline = time.monotonic() + CEILING
    while True:
        response = httpx.get(f"{server.url}/ledger/P-A/checkpoint", timeout=10)
        if response.status_code == 200 and int(response.text.split("\n")[1]) == size:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"checkpoint of {size} not served: {response.status_code} {response.text}")
        time.sleep(0.2)


def _verify(server: Server, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "borderpost.cli", "ledger", "verify", f"{server.url}/ledger/P-A/"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _holds_the_log(server: Server, home: Path) -> bool:
    """Whether the server process has the log's writer lock file open (it is the appender)."""
    lock = str((home / "ledger" / "P-A" / "lock").resolve())
    fds = Path(f"/proc/{server.process.pid}/fd")
    for fd in fds.iterdir():
        try:
            if os.readlink(fd) == lock:
                return True
        except OSError:
            continue
    return False


def test_two_processes_one_log_without_gap_or_duplicate(
    shared: tuple[dict[str, str], str],
) -> None:
    env, token = shared
    first, second = start_server(env), start_server(env)
    try:
        with ThreadPoolExecutor(2) as pool:
            done = [
                pool.submit(_record, first, token, 30, 0),
                pool.submit(_record, second, token, 30, 30),
            ]
            for future in done:
                future.result()
        url = env["BORDERPOST_DATABASE_URL"]
        assert _wait_all_appended(url, 60) == list(range(60))
        for server in (first, second):  # the one that does not append serves the files too
            _wait_published(server, 60)
            assert "size 60" in _verify(server, env)
        home = Path(env["BORDERPOST_HOME"])
        holders = [s for s in (first, second) if _holds_the_log(s, home)]
        assert len(holders) == 1
    finally:
        first.stop()
        second.stop()


def test_the_other_process_takes_over_when_the_appender_is_killed(
    shared: tuple[dict[str, str], str],
) -> None:
    env, token = shared
    home = Path(env["BORDERPOST_HOME"])
    url = env["BORDERPOST_DATABASE_URL"]
    servers = [start_server(env), start_server(env)]
    try:
        _record(servers[0], token, 10, 0)
        _record(servers[1], token, 10, 10)
        _wait_all_appended(url, 20)
        holder = next(s for s in servers if _holds_the_log(s, home))
        survivor = next(s for s in servers if s is not holder)
        os.kill(holder.process.pid, signal.SIGKILL)
        holder.process.wait(timeout=10)

        _record(survivor, token, 15, 20)
        assert _wait_all_appended(url, 35) == list(range(35))
        assert _holds_the_log(survivor, home)
        _wait_published(survivor, 35)
        assert "size 35" in _verify(survivor, env)
    finally:
        for server in servers:
            server.stop()
