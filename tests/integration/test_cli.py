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
