"""borderpost document check, on the ICAO Doc 9303 TD3 specimen."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from borderpost.cli import app

runner = CliRunner()
TD3 = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
]
JSON_KEYS = {
    "format",
    "document_type",
    "issuer",
    "document_number",
    "surname",
    "given_names",
    "nationality",
    "birth_date",
    "sex",
    "expiry_date",
    "optional_data",
    "valid",
    "problems",
}


def test_the_specimen_reads_and_is_flagged_expired() -> None:
    result = runner.invoke(app, ["document", "check", *TD3, "--on", "2026-11-23", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data.keys() >= JSON_KEYS
    assert data["surname"] == "ERIKSSON"
    assert data["given_names"] == "ANNA MARIA"
    assert data["birth_date"] == "1974-08-12"
    assert data["valid"] is True
    assert any(flag["field"] == "expiry_date" for flag in data["flags"])


def test_a_wrong_check_digit_is_named_with_the_expected_digit() -> None:
    broken = [TD3[0], TD3[1][:27] + "4" + TD3[1][28:]]
    result = runner.invoke(app, ["document", "check", *broken, "--on", "2010-01-01"])
    assert result.exit_code == 1
    assert "expiry_date" in result.output
    assert "expected 9" in result.output
