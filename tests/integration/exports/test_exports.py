"""Analysts' exports: the crossings of a period as CSV and Parquet, by role and scope,
streamed in batches; on SQLite and PostgreSQL, and from the command line."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing, vehicle_crossing
from tests.web_support import add_user, bearer
from tests.web_support import make_app as _app
from typer.testing import CliRunner

from borderpost.cli import app as cli
from borderpost.crossings.recording import record_crossing
from borderpost.exports import services
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
PERIOD = {"from": "2026-03-01", "to": "2026-03-31"}


def _crossings(factory: Factory) -> None:
    with UnitOfWork(factory, actor="officer.test") as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        for post, day in (("P-A", "10"), ("P-A", "11"), ("P-B", "12")):
            record_crossing(uow, command(person_crossing(post, f"2026-03-{day}T09:30:00+04:00")))
        record_crossing(uow, command(vehicle_crossing("P-A", "2026-03-13T09:30:00+04:00")))
        record_crossing(uow, command(person_crossing("P-A", "2026-04-02T09:30:00+04:00")))
        uow.commit()


@pytest.fixture
def client(session_factory: Factory) -> TestClient:
    _crossings(session_factory)
    return TestClient(_app(session_factory))


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_public_facts_for_observers_personal_data_for_readers(
    client: TestClient, session_factory: Factory
) -> None:
    observer = bearer(add_user(session_factory, "obs.net", "observer", network=True))
    answer = client.get("/api/v1/exports/crossings.csv", params=PERIOD, headers=observer)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = _csv(answer.text)
    assert [r["post"] for r in rows] == ["P-A", "P-A", "P-B", "P-A"]  # in time order
    assert "surname" not in rows[0]
    assert rows[3]["kind"] == "vehicle"
    personal = "/api/v1/exports/crossings-personal.csv"
    assert client.get(personal, params=PERIOD, headers=observer).status_code == 403
    analyst = bearer(add_user(session_factory, "an.net", "analyst", network=True))
    rows = _csv(client.get(personal, params=PERIOD, headers=analyst).text)
    assert rows[0]["surname"] == "ERIKSSON"
    assert rows[0]["document_number"].startswith("L")
    assert rows[3]["plate"].startswith("10-AB-")


def test_scope_the_period_and_the_post_are_checked(
    client: TestClient, session_factory: Factory
) -> None:
    at_a = bearer(add_user(session_factory, "sup.a", "supervisor", posts=["P-A"]))
    path = "/api/v1/exports/crossings-personal.csv"
    mine = client.get(path, params={**PERIOD, "post": "P-A"}, headers=at_a)
    assert [r["post"] for r in _csv(mine.text)] == ["P-A", "P-A", "P-A"]
    # Another post, or every post, is out of a post-scoped user's reach.
    assert client.get(path, params={**PERIOD, "post": "P-B"}, headers=at_a).status_code == 403
    assert client.get(path, params=PERIOD, headers=at_a).status_code == 403
    admin = bearer(add_user(session_factory, "adm", "admin", network=True))
    backwards = client.get(path, params={"from": "2026-03-31", "to": "2026-03-01"}, headers=admin)
    assert backwards.status_code == 422
    assert backwards.json()["problems"][0]["field"] == "from"
    nowhere = client.get(path, params={**PERIOD, "post": "P-Z"}, headers=admin)
    assert nowhere.status_code in {403, 404, 422}
    wrong = client.get("/api/v1/exports/crossings.xlsx", params=PERIOD, headers=admin)
    assert wrong.status_code == 422


def test_parquet_is_written_a_batch_at_a_time(
    client: TestClient, session_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "BATCH", 2)
    analyst = bearer(add_user(session_factory, "an.net", "analyst", network=True))
    answer = client.get(
        "/api/v1/exports/crossings-personal.parquet", params=PERIOD, headers=analyst
    )
    assert answer.status_code == 200
    table = pq.ParquetFile(io.BytesIO(answer.content))
    assert table.metadata.num_rows == 4
    assert table.metadata.num_row_groups == 2  # one per batch of two rows
    data = table.read().to_pylist()
    assert [r["post"] for r in data] == ["P-A", "P-A", "P-B", "P-A"]
    assert data[0]["surname"] == "ERIKSSON"
    assert data[0]["time"].isoformat() == "2026-03-10T05:30:00+00:00"
    with session_factory() as session:
        batches = list(services.rows(session.connection(), *_days(), None, personal=False))
    assert [len(b) for b in batches] == [2, 2]


def _days() -> tuple[dt.date, dt.date]:
    return dt.date(2026, 3, 1), dt.date(2026, 3, 31)


runner = CliRunner()


def test_the_command_line_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BORDERPOST_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("BORDERPOST_DATABASE_URL", raising=False)
    posts = tmp_path / "posts.jsonl"
    posts.write_text(json.dumps({"code": "N1", "name": "N1", "timezone": "UTC"}) + "\n")
    assert runner.invoke(cli, ["init"]).exit_code == 0
    assert runner.invoke(cli, ["import", "posts", str(posts)]).exit_code == 0
    out = tmp_path / "x.parquet"
    done = runner.invoke(
        cli, ["export", "crossings", str(out), "--from", "2026-03-01", "--to", "2026-03-31"]
    )
    assert done.exit_code == 0, done.output
    assert pq.ParquetFile(out).metadata.num_rows == 0
    args = ["--from", "2026-03-01", "--to", "2026-03-31", "--post", "ZZ", "--format", "csv"]
    bad = runner.invoke(cli, ["export", "crossings", str(tmp_path / "y.csv"), *args])
    assert bad.exit_code == 2
    assert "no post with code 'ZZ'" in bad.output
    assert not (tmp_path / "y.csv").exists()
