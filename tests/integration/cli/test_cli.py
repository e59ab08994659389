"""The borderpost command on an embedded SQLite home."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from borderpost.cli import app

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BORDERPOST_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("BORDERPOST_DATABASE_URL", raising=False)
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    return tmp_path


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_init_import_and_report(home: Path) -> None:
    posts = _jsonl(
        home / "posts.jsonl",
        [{"code": "N1", "name": "North", "names": {"ru": "Север"}, "timezone": "Asia/Tbilisi"}],
    )
    assert runner.invoke(app, ["import", "posts", str(posts)]).exit_code == 0
    orgs = _jsonl(
        home / "orgs.jsonl", [{"code": "F", "name": "Force", "type": "international_force"}]
    )
    assert runner.invoke(app, ["import", "organisations", str(orgs)]).exit_code == 0
    crossings = _jsonl(
        home / "c.jsonl",
        [
            {
                "post": "N1",
                "direction": "in",
                "time": "2026-05-01T23:30:00+04:00",
                "kind": "vehicle",
                "category": "international_force",
                "organisation": "F",
                "vehicle": {"plate": "UN 123", "country": "UNO", "type": "car"},
            },
            {
                "post": "N1",
                "direction": "out",
                "time": "2026-05-02T00:30:00+04:00",
                "kind": "person",
                "category": "civilian",
                "traveller": {"surname": "BERIDZE"},
            },
        ],
    )
    result = runner.invoke(app, ["import", "crossings", str(crossings), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["outcomes"] == {"created": 2}
    report = runner.invoke(
        app,
        [
            "report",
            "summary",
            "--from",
            "2026-05-01",
            "--to",
            "2026-05-01",
            "--post",
            "N1",
            "--json",
        ],
    )
    assert report.exit_code == 0, report.output
    data = json.loads(report.output)
    assert data["vehicles"]["total"] == 1
    assert data["vehicles"]["by_organisation_type"]["international_force"] == 1
    assert data["persons"]["total"] == 0  # 00:30 on the 2nd, local time


def test_strict_import_with_a_bad_line_fails_and_writes_nothing(home: Path) -> None:
    posts = _jsonl(
        home / "posts.jsonl",
        [
            {"code": "N1", "name": "North", "timezone": "Asia/Tbilisi"},
            {"code": "N2", "name": "Nowhere", "timezone": "Mars/Olympus"},
        ],
    )
    result = runner.invoke(app, ["import", "posts", str(posts), "--strict"])
    assert result.exit_code == 1
    assert "line 2: timezone: unknown IANA time zone 'Mars/Olympus'" in result.output
    assert "nothing written" in result.output
    report = runner.invoke(
        app, ["report", "summary", "--from", "2026-05-01", "--to", "2026-05-01", "--post", "N1"]
    )
    assert report.exit_code == 2
    assert "no post with code 'N1'" in report.output


def test_demo_builds_a_corridor(home: Path) -> None:
    result = runner.invoke(app, ["demo", "--days", "2"])
    assert result.exit_code == 0, result.output
    assert "Demo ready: 2 posts, 6 organisations" in result.output
    assert "Attested by the force and a humanitarian organisation: 4 statements" in result.output


def test_the_access_report_imported_arrival_times_and_unknown_waits(home: Path) -> None:
    posts = _jsonl(home / "posts.jsonl", [{"code": "N1", "name": "North", "timezone": "UTC"}])
    assert runner.invoke(app, ["import", "posts", str(posts)]).exit_code == 0
    rows = home / "c.csv"  # the CSV importer takes arrived_at as a column like any other
    rows.write_text(
        "post,direction,time,arrived_at,kind,category,traveller.surname\n"
        "N1,in,2026-05-01T10:00:00+00:00,2026-05-01T09:15:00+00:00,person,civilian,BERIDZE\n"
        "N1,in,2026-05-01T11:00:00+00:00,,person,civilian,BERIDZE\n"
    )
    assert runner.invoke(app, ["import", "crossings", str(rows)]).exit_code == 0
    args = ["report", "access", "--from", "2026-05-01", "--to", "2026-05-01", "--post", "N1"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    [day] = json.loads(result.output)["by_post"][0]["days"]
    assert day["waiting"] == {
        "known": 1,
        "unknown": 1,
        "median_seconds": 45 * 60,
        "p90_seconds": 45 * 60,
    }
    table = runner.invoke(app, args)
    assert table.exit_code == 0
    assert "45.0" in table.output


@pytest.mark.parametrize(
    "args",
    [["report", "summary", "--from", "2026-05-01", "--to", "2026-05-01"], ["sync", "status"]],
)
def test_a_home_never_initialised_gets_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setenv("BORDERPOST_HOME", str(tmp_path / "nowhere"))
    monkeypatch.delenv("BORDERPOST_DATABASE_URL", raising=False)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "run `borderpost init` first" in result.output
    assert ("Traceback" not in result.output and result.exception is None) or isinstance(
        result.exception, SystemExit
    )
    assert not (tmp_path / "nowhere").exists()  # nothing made on the way
