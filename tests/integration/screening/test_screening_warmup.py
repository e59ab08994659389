"""Screening indexes built in the background: no crossing builds, none is missed meanwhile."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing, traveller

from borderpost import clock
from borderpost.app import create_app
from borderpost.config import Settings
from borderpost.crossings.services import record_crossing
from borderpost.screening import screener as screeners
from borderpost.screening.importing import ListFormat, import_version
from borderpost.screening.model import HitOrigin, ScreeningHit, WatchlistVersion
from borderpost.screening.warmup import Warmer
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]

ALIYEV = {
    "id": "os-aliyev",
    "schema": "Person",
    "properties": {"name": ["Rashad Aliyev"], "birthDate": ["1979-02-14"]},
}
PETROSYAN = {
    "id": "os-petrosyan",
    "schema": "Person",
    "properties": {"name": ["Պետրոսյան Արմեն"], "birthDate": ["1980-01-01"]},
}
ALIYEV_AT_BOOTH = traveller(surname="АЛИЕВ", given_names="РАШАД", birth_date="1979-02-14")
PETROSYAN_AT_BOOTH = traveller(surname="PETROSYAN", given_names="ARMEN", birth_date="1980-01-01")


def _import(factory: Factory, *entities: dict[str, Any]) -> None:
    text = "\n".join(json.dumps(e, ensure_ascii=False) for e in entities) + "\n"
    with UnitOfWork(factory, actor="admin") as uow:
        import_version(
            uow, "wanted", io.BytesIO(text.encode()), ListFormat.FTM, source="t", label="v"
        )
        uow.commit()


def _record(factory: Factory, person: dict[str, Any]) -> Any:
    with UnitOfWork(factory, actor="officer") as uow:
        recorded = record_crossing(uow, command(person_crossing(traveller=person)))
        uow.commit()
    return recorded


def _no_build(*args: object) -> None:
    raise AssertionError("a crossing built an index")


@pytest.fixture
def background(session_factory: Factory) -> Iterator[Warmer]:
    """A warmer driven by the test (``refresh_once``), as the server's thread drives it."""
    with UnitOfWork(session_factory, actor="test") as uow:
        make_post(uow)
        uow.commit()
    screeners.set_background(True)
    yield Warmer(session_factory)
    screeners.set_background(False)


def test_after_the_warm_up_a_crossing_builds_nothing(
    session_factory: Factory, background: Warmer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import(session_factory, ALIYEV)
    assert background.refresh_once() == []
    monkeypatch.setattr(screeners, "build", _no_build)
    recorded = _record(session_factory, ALIYEV_AT_BOOTH)
    assert recorded.crossing.decision == "referred"


def test_a_crossing_during_a_build_uses_the_previous_version_and_is_screened_again(
    session_factory: Factory, background: Warmer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import(session_factory, ALIYEV)
    background.refresh_once()
    _import(session_factory, ALIYEV, PETROSYAN)  # version 2, not built yet
    with monkeypatch.context() as patch:
        patch.setattr(screeners, "build", _no_build)  # the booth never waits for it
        during = _record(session_factory, PETROSYAN_AT_BOOTH)
        still = _record(session_factory, ALIYEV_AT_BOOTH)
    assert during.crossing.decision == "admitted"  # version 1 does not list him
    assert still.crossing.decision == "referred"  # version 1 still screens
    [report] = background.refresh_once()  # builds version 2, re-screens what it missed
    assert (report.watchlist, report.alerts) == ("wanted", 1)
    with session_factory() as session:
        alerts = session.scalars(
            select(ScreeningHit).where(ScreeningHit.origin == HitOrigin.RESCREEN.value)
        ).all()
    assert [(a.crossing_id, a.entry_key, a.refers) for a in alerts] == [
        (during.crossing.id, "os-petrosyan", False)
    ]
    [again] = background.refresh_once()  # once more, for crossings that were in flight
    assert again.alerts == 0  # never raised twice
    assert background.refresh_once() == []  # nothing stale is left
    monkeypatch.setattr(screeners, "build", _no_build)
    after = _record(session_factory, PETROSYAN_AT_BOOTH)
    assert after.crossing.decision == "referred"


def test_without_a_warm_up_thread_a_crossing_waits_for_the_new_version(
    session_factory: Factory,
) -> None:
    with UnitOfWork(session_factory, actor="test") as uow:
        make_post(uow)
        uow.commit()
    _import(session_factory, ALIYEV)
    assert _record(session_factory, PETROSYAN_AT_BOOTH).crossing.decision == "admitted"
    _import(session_factory, ALIYEV, PETROSYAN)
    assert _record(session_factory, PETROSYAN_AT_BOOTH).crossing.decision == "referred"


def test_a_server_that_owns_its_database_warms_up_in_its_lifespan(
    tmp_path: Path, sqlite_template: Path
) -> None:
    path = tmp_path / "own.db"
    shutil.copy(sqlite_template, path)
    settings = Settings(
        database_url=f"sqlite:///{path}",
        secret_key="warm",
        home=tmp_path,
        screening_refresh_seconds=0.05,
    )
    app = create_app(settings)
    _import(app.state.session_factory, ALIYEV)
    with TestClient(app):
        warmer = app.state.screening_warmer
        assert isinstance(warmer, Warmer)
        assert warmer.ready.wait(60), warmer.last_error
        assert warmer.last_error is None
        with app.state.session_factory() as session:
            built = screeners.for_session(session)
        assert [li.name for li in built.lists] == ["wanted"]
        assert not built.stale
    assert not screeners._BACKGROUND.is_set()  # stopped with the server


def test_an_app_given_a_session_factory_starts_no_warm_up(session_factory: Factory) -> None:
    app = create_app(
        Settings(database_url="sqlite://", secret_key="t"), session_factory=session_factory
    )
    with TestClient(app):
        assert app.state.screening_warmer is None


def test_a_server_that_stops_before_catching_up_leaves_it_to_the_next_start(
    session_factory: Factory, background: Warmer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import(session_factory, ALIYEV)
    background.refresh_once()
    background.refresh_once()  # version 1 caught up
    _import(session_factory, ALIYEV, PETROSYAN)  # version 2, not built yet
    with monkeypatch.context() as patch:
        patch.setattr(screeners, "build", _no_build)
        during = _record(session_factory, PETROSYAN_AT_BOOTH)
    assert during.crossing.decision == "admitted"  # screened against version 1
    # The server stops here, before its warm-up built version 2. The next process starts
    # with nothing in memory: no index, no record of what was screened against what.
    monkeypatch.setattr(screeners, "_BY_TOKEN", {})
    monkeypatch.setattr(screeners, "_BY_VERSION", {})
    monkeypatch.setattr(screeners, "_STALE", {})
    restarted = Warmer(session_factory)
    [report] = restarted.refresh_once()
    assert (report.watchlist, report.alerts) == ("wanted", 1)
    with session_factory() as session:
        [alert] = session.scalars(
            select(ScreeningHit).where(ScreeningHit.origin == HitOrigin.RESCREEN.value)
        ).all()
        assert (alert.crossing_id, alert.entry_key) == (during.crossing.id, "os-petrosyan")
    [again] = restarted.refresh_once()  # the second pass, for crossings in flight
    assert again.alerts == 0
    with session_factory() as session:
        versions = session.scalars(select(WatchlistVersion).order_by(WatchlistVersion.imported_at))
        assert [v.caught_up_at is None for v in versions] == [False, False]
    assert Warmer(session_factory).refresh_once() == []  # remembered in the database


def test_the_catch_up_also_screens_the_last_days_when_asked(
    session_factory: Factory, background: Warmer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What an import through the API leaves to the server's warm-up thread: the crossings
    of the last ``rescreen_days`` days, not only those recorded since the import."""
    _import(session_factory, ALIYEV)
    background.refresh_once()
    background.refresh_once()
    earlier = clock.now() - dt.timedelta(hours=5)
    with monkeypatch.context() as patch:
        patch.setattr(clock, "now", lambda: earlier)
        with UnitOfWork(session_factory, actor="officer") as uow:  # hours before the import
            before = record_crossing(
                uow,
                command(person_crossing(traveller=PETROSYAN_AT_BOOTH, time=earlier.isoformat())),
            )
            uow.commit()
    assert before.crossing.decision == "admitted"
    _import(session_factory, ALIYEV, PETROSYAN)
    no_days = Warmer(session_factory)
    assert [r.alerts for r in no_days.refresh_once()] == []  # recorded before the import
    no_days.refresh_once()
    with session_factory() as session:
        version = session.scalars(
            select(WatchlistVersion).order_by(WatchlistVersion.imported_at.desc())
        ).first()
        assert version is not None
        version.caught_up_at = None  # as if the next one were the first catch-up
        session.commit()
    [report] = Warmer(session_factory, rescreen_days=1).refresh_once()
    assert report.alerts == 1
