"""What the fuzz test holds every answer to, apart from the status: the error shape, and that a
refused request wrote nothing."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import schemathesis


class WriteWatch:
    """Did anything change in the node's database or home folder since the last look?

    SQLite's ``PRAGMA data_version``, read on a connection of our own, changes whenever another
    connection (the app's) commits: an insert, update or delete in any table, which row counts
    would miss when they cancel out. One pragma per request. The home folder (keys, evidence
    files, the ledger's tiles) is compared by name, size and modification time.
    """

    def __init__(self, database: Path, home: Path) -> None:
        self._db = sqlite3.connect(database, isolation_level=None)
        self._home = home
        self._last = self._look()

    def _look(self) -> tuple[int, frozenset[tuple[str, int, int]]]:
        version = int(self._db.execute("PRAGMA data_version").fetchone()[0])
        files = frozenset(
            (str(path), stat.st_size, stat.st_mtime_ns)
            for folder, _, names in os.walk(self._home)
            for path in (Path(folder) / name for name in names)
            for stat in (path.stat(),)
        )
        return version, files

    def changed(self) -> str | None:
        """What changed since the last call ("the database", "the home folder"), or None."""
        now, last = self._look(), self._last
        self._last = now
        if now[0] != last[0]:
            return "the database"
        if now[1] != last[1]:
            changed = sorted({name for name, *_ in now[1] ^ last[1]})
            return f"the home folder ({', '.join(changed)})"
        return None

    def close(self) -> None:
        self._db.close()


def error_shape(case: schemathesis.Case, response: schemathesis.Response) -> str | None:
    """Why a JSON API error answer is not the project's error shape, or None when it is."""
    status = response.status_code
    if status < 400 or not case.path.startswith("/api/v1/"):
        return None
    try:
        body = response.json()
    except ValueError:
        return f"{status} is not JSON: {response.text[:200]!r}"
    if not isinstance(body, dict) or set(body) != {"detail", "problems"}:
        return f"{status} is not {{detail, problems}}: {str(body)[:300]}"
    if not isinstance(body["detail"], str) or not body["detail"]:
        return f"{status} has no detail: {body}"
    problems = body["problems"]
    if not isinstance(problems, list):
        return f"{status} problems is not a list: {body}"
    for problem in problems:
        ok = isinstance(problem, dict) and set(problem) == {"field", "reason"}
        if not ok or not all(isinstance(v, str) and v for v in problem.values()):
            return f"{status} has a problem that names no field and reason: {problem}"
    # Who may do what is not about a field; every other error names the field at fault.
    if not problems and status not in (401, 403):
        return f"{status} names no field: {body}"
    return None
