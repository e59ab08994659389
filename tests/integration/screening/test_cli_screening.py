"""borderpost screening compare, as the matcher's quality is measured from outside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from borderpost.cli import app

runner = CliRunner()


def test_cross_script_pairs_get_a_score_and_a_verdict(tmp_path: Path) -> None:
    pairs = [
        {"a": "Əliyev Rəşad", "b": "Алиев Рашад"},
        {"a": "HUSEYNOV<<ELVIN", "b": "Гусейнов Эльвин"},
        {"a": "Petrosyan Armen", "b": "Mammadova Leyla"},
    ]
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in pairs) + "\n")
    result = runner.invoke(app, ["screening", "compare", "--pairs", str(path)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["match"] for line in lines] == [True, True, False]
    assert all(0 <= line["score"] <= 1 for line in lines)


def test_a_bad_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"a": "X"}\n')
    result = runner.invoke(app, ["screening", "compare", "--pairs", str(path)])
    assert result.exit_code == 1
    assert "line 1" in result.output


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BORDERPOST_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("BORDERPOST_DATABASE_URL", raising=False)
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    return tmp_path


def test_watchlist_import_list_and_search(home: Path) -> None:
    listing = home / "list.jsonl"
    entity = {
        "id": "p-1",
        "schema": "Person",
        "properties": {"name": ["Rashad Aliyev"], "birthDate": ["1979-02-14"]},
    }
    listing.write_text(json.dumps(entity) + "\n")
    result = runner.invoke(
        app, ["watchlist", "import", str(listing), "--list", "wanted", "--version", "7", "--json"]
    )
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.output)
    assert outcome["written"] == 1
    assert outcome["rescreen"]["alerts"] == 0
    listed = json.loads(runner.invoke(app, ["watchlist", "list", "--json"]).output)
    assert [(w["name"], w["version"], w["entries"]) for w in listed] == [("wanted", "7", 1)]
    found = runner.invoke(
        app, ["screening", "search", "Алиев Рашад", "--birth-date", "1979-02-14", "--json"]
    )
    assert found.exit_code == 0, found.output
    [best] = json.loads(found.output)
    assert best["entry"] == "p-1"
    assert best["match"] is True
    assert best["explanation"]


def test_a_bad_list_line_is_named_and_nothing_is_written(home: Path) -> None:
    listing = home / "list.csv"
    listing.write_text(
        "id,kind,names,birth_dates,nationalities,documents,plates\n"
        "p1,person,Rashad Aliyev,14.02.1979,,,\n"
    )
    result = runner.invoke(app, ["watchlist", "import", str(listing), "--list", "wanted"])
    assert result.exit_code == 1
    assert "line 2" in result.output
    assert "birth_dates" in result.output
    assert "nothing written" in result.output
    listed = json.loads(runner.invoke(app, ["watchlist", "list", "--json"]).output)
    assert listed == []
