"""``borderpost corridor`` and ``borderpost transit`` on a real SQLite home."""

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
    posts = tmp_path / "posts.jsonl"
    lines = [{"code": c, "name": c, "timezone": "Asia/Baku"} for c in ("N1", "N2")]
    posts.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert runner.invoke(app, ["import", "posts", str(posts)]).exit_code == 0
    return tmp_path


def test_corridor_add_list_and_transits(home: Path) -> None:
    base = ["corridor", "add", "NN", "--name", "N corridor", "--post-a", "N1", "--post-b", "N2"]
    bad = runner.invoke(app, [*base, "--hours", "0", "--category", "tourism=3"])
    assert bad.exit_code == 2
    assert "deadline_hours" in bad.output
    assert "deadlines.tourism" in bad.output
    assert runner.invoke(app, ["corridor", "list", "--json"]).output.strip() == "[]"
    made = runner.invoke(app, [*base, "--hours", "48", "--category", "humanitarian=24"])
    assert made.exit_code == 0, made.output
    listed = json.loads(runner.invoke(app, ["corridor", "list", "--json"]).output)
    assert listed[0]["deadlines"] == {"humanitarian": 24}
    shown = runner.invoke(app, ["transit", "overdue", "NN"])
    assert shown.exit_code == 0, shown.output
    assert "0 transits" in shown.output
    missing = runner.invoke(app, ["transit", "list", "XX"])
    assert missing.exit_code == 2
    assert "no corridor with code 'XX'" in missing.output
    neither = runner.invoke(app, ["transit", "repeated"])
    assert neither.exit_code == 2
    assert "give either a post or a corridor" in neither.output
