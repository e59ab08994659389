"""Fixtures for the MRZ tests."""

from __future__ import annotations

import pytest

from borderpost.documents.mrz.specimens import SPECIMENS


@pytest.fixture(params=sorted(SPECIMENS))
def specimen(request: pytest.FixtureRequest) -> tuple[str, tuple[str, ...]]:
    """(name, lines) of each ICAO specimen in turn."""
    name: str = request.param
    return name, SPECIMENS[name]
