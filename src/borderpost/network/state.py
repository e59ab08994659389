"""What the network's background loop last did, kept in a file for the status and pages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass
class LoopState:
    state: str = "starting"  # working, backing_off, stopped
    last_error: str | None = None
    failures: int = 0
    last_round_at: str | None = None  # the last round that worked, ISO 8601
    last_change: str | None = None  # what the last round that changed anything did


def state_path(home: Path, name: str) -> Path:
    return home / "network" / f"{name}.json"


def read_state(home: Path, name: str) -> LoopState | None:
    try:
        return LoopState(**json.loads(state_path(home, name).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
