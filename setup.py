"""Compiles five pure modules of the screening matcher (``screening/matcher/``) with mypyc,
the compiler that comes with mypy (already how the project is type-checked): the same source,
run as C. Measured in benchmarks/RESULTS.md ("Screening"): same hits, scores and
explanations; query and index build faster.

Everything else about the package is in pyproject.toml. Compiling is optional: with
``BORDERPOST_PURE=1``, or where compiling fails (no C compiler, a construct mypyc does not
take), the modules stay Python and work the same. The SHA-256 of each compiled source is
written next to it (``_compiled.json``), so that ``borderpost.screening.matcher`` refuses to
load a compiled module whose source has changed since (see ``screening/matcher/compiled.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

PACKAGE = Path("src/borderpost/screening/matcher")
# The same five as ``compiled.MODULES``, the stale-compiled guard's list.
MODULES = ("countries", "types", "names", "scoring", "index")
RECORD = PACKAGE / "_compiled.json"
SRC = Path("src")  # where mypyc puts the shared library of the compiled modules


class OptionalBuildExt(build_ext):
    """Builds the compiled modules if it can; if not, the package stays pure Python."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # a C compiler error: keep the pure modules
            self._give_up(exc)

    def build_extension(self, ext: Any) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            self._give_up(exc)

    def _give_up(self, exc: Exception) -> None:
        remove_compiled()
        print(f"borderpost: not compiled with mypyc ({exc}); pure Python", file=sys.stderr)


def remove_compiled() -> None:
    """Drop the record and an earlier build's compiled files (an editable install builds in
    place): left behind, they would shadow the sources they no longer match."""
    RECORD.unlink(missing_ok=True)
    for m in MODULES:
        for path in PACKAGE.glob(f"{m}.*.so"):
            path.unlink()
    for path in SRC.glob("*__mypyc.*.so"):
        path.unlink()


def compiled_modules() -> list[Any]:
    RECORD.unlink(missing_ok=True)
    if os.environ.get("BORDERPOST_PURE"):
        # An editable install compiled in place before: its modules would shadow the sources.
        remove_compiled()
        return []
    sources = [str(PACKAGE / f"{m}.py") for m in MODULES]
    try:
        from mypyc.build import mypycify

        modules = mypycify(["--config-file", "mypyc.ini", *sources], opt_level="3")
    except BaseException as exc:  # mypyc reports its errors with SystemExit
        remove_compiled()
        print(f"borderpost: not compiled with mypyc ({exc!r}); pure Python", file=sys.stderr)
        return []
    RECORD.write_text(
        json.dumps(
            {m: hashlib.sha256((PACKAGE / f"{m}.py").read_bytes()).hexdigest() for m in MODULES},
            indent=1,
        )
    )
    return list(modules)


setup(ext_modules=compiled_modules(), cmdclass={"build_ext": OptionalBuildExt})
