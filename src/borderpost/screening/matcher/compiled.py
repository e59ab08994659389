"""Whether the matcher runs compiled, and a guard against a compiled module gone stale.

``setup.py`` compiles ``MODULES`` with mypyc when it can and records the SHA-256 of each
source in ``_compiled.json`` next to them. Python loads a compiled module in place of its
source, so after an edit of the source the old compiled code would run, silently. ``stale``
names those; the matcher refuses to load them (``matcher/__init__``).
"""

from __future__ import annotations

import hashlib
import json
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

MODULES = ("countries", "types", "names", "scoring", "index")
HERE = Path(__file__).parent


def compiled(directory: Path = HERE) -> list[str]:
    """The modules of ``MODULES`` that have a compiled file in ``directory``."""
    return [m for m in MODULES if any((directory / f"{m}{s}").exists() for s in EXTENSION_SUFFIXES)]


def stale(directory: Path = HERE) -> list[str]:
    """Compiled modules whose source is not the one they were compiled from."""
    done = compiled(directory)
    if not done:
        return []
    try:
        record = json.loads((directory / "_compiled.json").read_text())
    except (OSError, ValueError):
        return done
    return [
        m
        for m in done
        if record.get(m) != hashlib.sha256((directory / f"{m}.py").read_bytes()).hexdigest()
    ]


def check() -> None:
    """Raise ImportError naming every compiled module that no longer matches its source."""
    changed = stale()
    if changed:
        names = ", ".join(f"screening/matcher/{m}.py" for m in changed)
        raise ImportError(
            f"{names} changed since it was compiled with mypyc: run `make install` (or "
            "`pip install -e .`) to compile again, or set BORDERPOST_PURE=1 and reinstall "
            "to run it as Python"
        )
