"""borderpost document read IMAGE: pages rendered here in OCR-B, read back through tesseract.

Needs Debian's tesseract-ocr and fonts-ocr-b and the ocr extra (.ci/run and the Makefile
install them); without them these tests fail saying what to install, they are never skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.ocr_pages import render_page, variant
from typer.testing import CliRunner

from borderpost.cli import app
from borderpost.documents import ocr
from borderpost.documents.mrz.specimens import SPECIMENS

runner = CliRunner()


@pytest.fixture(autouse=True)
def _ocr_installed() -> None:
    try:
        ocr.check_ocr()
    except ocr.OcrUnavailable as exc:
        pytest.fail(f"{exc}; see docs/operations.md")


def _read(path: Path) -> dict[str, object]:
    result = runner.invoke(app, ["document", "read", str(path), "--on", "2026-11-23", "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.output)
    return data


@pytest.mark.parametrize(
    ("specimen", "kind"),
    [("TD3", "clean"), ("TD1", "rotated"), ("TD2", "noisy"), ("MRVA", "small")],
)
def test_a_rendered_page_reads_every_field(tmp_path: Path, specimen: str, kind: str) -> None:
    path = tmp_path / "page.png"
    variant(render_page(SPECIMENS[specimen]), kind).save(path)
    data = _read(path)
    assert data["valid"] is True
    assert data["surname"] == "ERIKSSON"
    assert data["given_names"] == "ANNA MARIA"
    assert data["sex"] == "F"
    expected = {
        "TD3": ("L898902C3", "1974-08-12", "2012-04-15"),
        "TD1": ("D23145890", "1974-08-12", "2012-04-15"),
        "TD2": ("D23145890", "1974-08-12", "2012-04-15"),
        "MRVA": ("L8988901C", "1940-09-07", "1996-12-10"),
    }[specimen]
    assert (data["document_number"], data["birth_date"], data["expiry_date"]) == expected
    found = data["found"]
    assert isinstance(found, dict)
    assert len(found["lines"]) == len(SPECIMENS[specimen])
    if kind == "rotated":
        assert found["angle"] == -4.0  # the page was turned 4 degrees; we turned it back


def test_look_alikes_the_check_digits_prove_are_repaired_and_listed(tmp_path: Path) -> None:
    path = tmp_path / "page.png"
    render_page(SPECIMENS["TD3"]).save(path)
    data = _read(path)
    # Tesseract reads the O of UTO in line 2 as a zero; the nationality must be letters.
    assert data["nationality"] == "UTO"
    repairs = data["repairs"]
    assert isinstance(repairs, list)
    assert {"field": "nationality", "before": "0", "after": "O"}.items() <= repairs[0].items()


def test_a_page_without_an_mrz_says_so(tmp_path: Path) -> None:
    path = tmp_path / "blank.png"
    page = render_page(SPECIMENS["TD3"])
    page.crop((0, 0, page.width, page.height // 3)).save(path)
    result = runner.invoke(app, ["document", "read", str(path)])
    assert result.exit_code == 1
    assert "no MRZ found" in result.output


def test_not_an_image_and_no_tesseract_name_the_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a picture")
    result = runner.invoke(app, ["document", "read", str(text)])
    assert result.exit_code == 2
    assert "cannot be read as an image" in result.output
    monkeypatch.setattr(ocr.shutil, "which", lambda _name: None)
    result = runner.invoke(app, ["document", "read", str(text)])
    assert result.exit_code == 2
    assert "apt-get install tesseract-ocr" in result.output
