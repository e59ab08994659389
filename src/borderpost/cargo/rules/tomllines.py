"""Where things are in a TOML text: lines of tables and keys, and of tomllib's syntax errors.

tomllib gives values without positions. Rule set errors should still name a line, so we scan
the text for table headers and ``key =`` lines: simple, and right for the files people write
(it does not try to follow keys inside multi-line strings or dotted sub-tables).
"""

from __future__ import annotations

import bisect
import re
import tomllib

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*["']?([A-Za-z0-9_.-]+?)["']?\s*=""")
_TOML_LINE = re.compile(r"at line (\d+)")
_TOML_AT = re.compile(r"\s*\(at line \d+, column \d+\)")


class Locator:
    """Maps tables and keys of the TOML text to line numbers (1-based)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[tuple[int, str, bool]] = []  # (line, name, is array table)
        for number, line in enumerate(self.lines, start=1):
            match = _HEADER.match(line)
            if match:
                self.headers.append((number, match.group(2).strip(), match.group(1) == "[["))
        self.rule_lines = [n for n, name, array in self.headers if array and name == "rule"]
        self._header_lines = [n for n, _, _ in self.headers]

    def _span(self, start: int) -> int:
        # By bisection: a file with thousands of mistakes asks once for each (linear, not
        # quadratic, in the number of rules).
        later = bisect.bisect_right(self._header_lines, start)
        return self._header_lines[later] if later < len(self._header_lines) else len(self.lines) + 1

    def key_line(self, table_line: int, key: str) -> int | None:
        """The line of ``key =`` in the table whose header is on ``table_line``."""
        for number in range(table_line + 1, self._span(table_line)):
            match = _KEY.match(self.lines[number - 1])
            if match and match.group(1) == key:
                return number
        return None

    def table_line(self, name: str) -> int | None:
        """The line of the first ``[name]`` or ``[[name]]`` header."""
        return next((n for n, header, _ in self.headers if header == name), None)

    def rule(self, index: int, key: str | None = None) -> int | None:
        """The line of ``key`` in the ``index``-th ``[[rule]]``, else of its header."""
        if index >= len(self.rule_lines):
            return None
        start = self.rule_lines[index]
        return (self.key_line(start, key) if key else None) or start

    def ruleset(self, key: str | None = None) -> int | None:
        """The line of ``key`` in ``[ruleset]``, else of its header."""
        start = self.table_line("ruleset")
        if start is None:
            return None
        return (self.key_line(start, key) if key else None) or start

    def at(self, line: int) -> tuple[int | None, str | None]:
        """Which rule (index) and key a line belongs to."""
        position = bisect.bisect_right(self.rule_lines, line) - 1
        index = position if position >= 0 else None
        match = _KEY.match(self.lines[line - 1]) if 0 < line <= len(self.lines) else None
        return index, match.group(1) if match else None


def syntax_error_line(error: tomllib.TOMLDecodeError) -> tuple[int | None, str]:
    """The line of a tomllib syntax error, and its message without the position."""
    line = getattr(error, "lineno", None)  # Python 3.14 gives it; before, only the message
    if line is None and (match := _TOML_LINE.search(str(error))):
        line = int(match.group(1))
    message = _TOML_AT.sub("", getattr(error, "msg", None) or str(error)).strip()
    return line, message
