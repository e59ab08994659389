"""``borderpost case overdue`` on an embedded SQLite home: references and dates, no names."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker
from tests.factories import make_post
from typer.testing import CliRunner

from borderpost import clock
from borderpost.cases import services
from borderpost.cases.schemas import CaseCreate
from borderpost.cli import app
from borderpost.db import make_engine
from borderpost.unit_of_work import UnitOfWork

runner = CliRunner()


def test_overdue_cases_are_listed_without_personal_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("BORDERPOST_HOME", str(home))
    monkeypatch.delenv("BORDERPOST_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["init"]).exit_code == 0
    engine = make_engine(f"sqlite:///{home / 'borderpost.db'}")
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    with UnitOfWork(sessionmaker(bind=engine), actor="operator") as uow:
        make_post(uow, "P-A")
        for kind in ("missing_person", "complaint"):
            data = CaseCreate(kind=kind, post="P-A", contact_name="Anna Eriksson", summary="s")
            services.receive_case(uow, data, lambda _post: True)
        uow.commit()
    engine.dispose()
    later = start + dt.timedelta(days=5)
    monkeypatch.setattr(clock, "now", lambda: later)
    result = runner.invoke(app, ["case", "overdue", "--json"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert (row["kind"], row["post"], row["status"]) == ("missing_person", "P-A", "received")
    assert "Anna" not in result.output
    table = runner.invoke(app, ["case", "overdue", "--post", "P-B"])
    assert "0 overdue" in table.output
